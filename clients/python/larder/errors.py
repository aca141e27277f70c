"""Typed errors: one class per gRPC status the server answers with, each keeping the status and message."""
import grpc


class LarderError(Exception):
    """A call the server (or the channel) refused. `code` is the grpc.StatusCode, `message` its description."""

    def __init__(self, code, message):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


class NotFoundError(LarderError):
    """A feature view, feature or feature service the registry does not have."""


class InvalidArgumentError(LarderError):
    """A malformed request: a missing or mistyped join key, ragged entity columns, a limit exceeded."""


class FailedPreconditionError(LarderError):
    """A well-formed request for something that is not served online (a view with online: false)."""


class UnauthenticatedError(LarderError):
    """No bearer token, or one the server does not know."""


class PermissionDeniedError(LarderError):
    """The token may not read a view or use a service the request needs."""


class UnavailableError(LarderError):
    """The server is unreachable, starting (online store not open yet) or shutting down."""


class DeadlineExceededError(LarderError):
    """The call took longer than its timeout."""


class InternalError(LarderError):
    """The server failed (e.g. its online store); the message says which view and why."""


class TrainingSetError(Exception):
    """`larder training-set` failed; `returncode` and `stderr` are the launcher's."""

    def __init__(self, returncode, stderr):
        super().__init__(f"larder training-set exited with {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


_BY_CODE = {
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.INTERNAL: InternalError,
}


def from_rpc_error(error):
    """The typed error of a grpc.RpcError raised by a stub call."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    return _BY_CODE.get(code, LarderError)(code, message or "")
