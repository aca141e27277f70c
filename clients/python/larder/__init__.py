"""
Python client of the Larder feature store.

    from larder import Client
    with Client("localhost:6566") as client:
        response = client.get_online_features(features=["user_profile:country"], entities={"user_id": [1, 2]})
        response.rows()    # [{"user_id": 1, "country": "DE"}, ...]
        response.to_df()   # values, statuses and event timestamps (needs pandas)

The gRPC stubs are in larder.serving.v1 (serving_pb2, serving_pb2_grpc) and larder.core.v1, generated from
the repository's .proto files when the package was built.
"""
from larder.client import Client
from larder.errors import (DeadlineExceededError, FailedPreconditionError, InternalError, InvalidArgumentError,
                           LarderError, NotFoundError, PermissionDeniedError, TrainingSetError,
                           UnauthenticatedError, UnavailableError)
from larder.historical import get_historical_features
from larder.response import OnlineResponse

__all__ = [
    "Client", "OnlineResponse", "get_historical_features", "LarderError", "NotFoundError",
    "InvalidArgumentError", "FailedPreconditionError", "UnauthenticatedError", "PermissionDeniedError",
    "UnavailableError", "DeadlineExceededError", "InternalError", "TrainingSetError",
]
