"""The gRPC client of larder-server."""
import grpc

from larder.core.v1 import value_pb2
from larder.errors import from_rpc_error
from larder.response import OnlineResponse
from larder.serving.v1 import serving_pb2, serving_pb2_grpc
from larder.values import to_value


def _read(path_or_bytes):
    if path_or_bytes is None or isinstance(path_or_bytes, bytes):
        return path_or_bytes
    with open(path_or_bytes, "rb") as f:
        return f.read()


class Client:
    """
    A connection to one larder-server.

        client = Client("localhost:6566")
        client = Client("features.internal:6566", token="...", tls="ca.pem")

    `tls` is False (plaintext), True (TLS trusting the system's CAs) or the path (or bytes) of the PEM CA
    certificates to trust. `client_cert` and `client_key` (PEM paths or bytes) are for servers that require
    mutual TLS. `token` is sent as `authorization: Bearer <token>` on every call. `timeout` is each call's
    deadline in seconds. Failures raise a subclass of larder.LarderError carrying the gRPC status.
    """

    def __init__(self, target, token=None, tls=False, client_cert=None, client_key=None, timeout=10.0,
                 options=None):
        self.target = target
        self.timeout = timeout
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        if tls or client_cert:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=None if tls is True else _read(tls),
                private_key=_read(client_key), certificate_chain=_read(client_cert))
            self._channel = grpc.secure_channel(target, credentials, options=options)
        else:
            self._channel = grpc.insecure_channel(target, options=options)
        self._stub = serving_pb2_grpc.FeatureServingStub(self._channel)
        self._key_types = None

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, method, request, timeout):
        try:
            return method(request, timeout=self.timeout if timeout is None else timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    def get_online_features(self, features=None, service=None, entities=None, full_feature_names=False,
                            timeout=None):
        """
        Latest values of `features` ("view:feature" or "view" refs) or of the feature service `service`, for
        `entities`: {join key: [value per entity row]}, e.g. {"user_id": [1, 2]}. Values are converted to the
        join key's declared type (learnt once from ListEntities); Value messages are sent as they are.
        """
        if (features is None) == (service is None):
            raise ValueError("give exactly one of features=[...] or service='...'")
        if isinstance(features, str):
            features = [features]
        entities = {key: list(column) for key, column in (entities or {}).items()}
        request = serving_pb2.GetOnlineFeaturesRequest(full_feature_names=full_feature_names)
        if service is not None:
            request.feature_service = service
        else:
            request.features.refs.extend(features)
        types = self._join_key_types(timeout)
        for key, column in entities.items():
            request.entities[key].values.extend(to_value(v, types.get(key)) for v in column)
        return OnlineResponse(self._call(self._stub.GetOnlineFeatures, request, timeout), entities)

    def _join_key_types(self, timeout):
        if self._key_types is None:
            types = {}
            for entity in self.list_entities(timeout=timeout):
                for key in entity.join_keys:
                    types[key.name] = value_pb2.ValueType.Name(key.type)
            self._key_types = types
        return self._key_types

    def list_entities(self, timeout=None):
        """The registry's entities (larder.core.v1.Entity messages)."""
        return list(self._call(self._stub.ListEntities, serving_pb2.ListEntitiesRequest(), timeout).entities)

    def list_feature_views(self, timeout=None):
        """The registry's feature views (larder.core.v1.FeatureView messages, with features and types)."""
        return list(self._call(self._stub.ListFeatureViews, serving_pb2.ListFeatureViewsRequest(),
                               timeout).feature_views)

    def list_feature_services(self, timeout=None):
        """The registry's feature services (larder.core.v1.FeatureService messages)."""
        return list(self._call(self._stub.ListFeatureServices, serving_pb2.ListFeatureServicesRequest(),
                               timeout).feature_services)

    def serving_info(self, timeout=None):
        """Server version, registry version and, per view, the served data version (GetServingInfoResponse)."""
        return self._call(self._stub.GetServingInfo, serving_pb2.GetServingInfoRequest(), timeout)
