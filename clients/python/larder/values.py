"""Conversion between Python values and larder.core.v1.Value."""
import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from larder.core.v1 import value_pb2

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)

# Declared type (larder.core.v1.ValueType name) -> Value field of a scalar and of a list.
_SCALAR_FIELD = {
    "INT32": "int32_val", "INT64": "int64_val", "FLOAT": "float_val", "DOUBLE": "double_val",
    "BOOL": "bool_val", "STRING": "string_val", "BYTES": "bytes_val", "TIMESTAMP": "timestamp_val",
}


def timestamp_to_datetime(ts):
    """A google.protobuf.Timestamp as an aware UTC datetime (microsecond precision)."""
    return _EPOCH + datetime.timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def _timestamp(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)  # naive datetimes are taken as UTC, as the CSV reader does
        delta = value - _EPOCH
        seconds = delta.days * 86400 + delta.seconds
        return Timestamp(seconds=seconds, nanos=delta.microseconds * 1000)
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        return _timestamp(value.to_pydatetime())
    raise TypeError(f"expected a datetime, got {type(value).__name__}")


def to_value(value, value_type=None):
    """
    A Python value as a Value. `value_type` is the declared type name (e.g. "INT64", "INT32"); without it the
    type follows the Python type (int -> int64, float -> double, str, bytes, bool, datetime). None is null.
    A Value message passes through unchanged.
    """
    if isinstance(value, value_pb2.Value):
        return value
    if value is None:
        return value_pb2.Value(null_val=value_pb2.NULL)
    if hasattr(value, "item") and not isinstance(value, (bytes, str)):  # numpy scalars from pandas columns
        value = value.item()
    if value_type is None:
        if isinstance(value, bool):
            value_type = "BOOL"
        elif isinstance(value, int):
            value_type = "INT64"
        elif isinstance(value, float):
            value_type = "DOUBLE"
        elif isinstance(value, str):
            value_type = "STRING"
        elif isinstance(value, (bytes, bytearray)):
            value_type = "BYTES"
        elif isinstance(value, datetime.datetime) or hasattr(value, "to_pydatetime"):
            value_type = "TIMESTAMP"
        else:
            raise TypeError(f"cannot send a {type(value).__name__} as a join key value; "
                            "use int, float, str, bytes, bool or datetime")
    field = _SCALAR_FIELD.get(value_type)
    if field is None:
        raise TypeError(f"join keys of type {value_type} are not supported by this client")
    if field == "timestamp_val":
        return value_pb2.Value(timestamp_val=_timestamp(value))
    if field in ("int32_val", "int64_val") and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"expected an int for a {value_type} join key, got {value!r}")
    return value_pb2.Value(**{field: value})


def from_value(value):
    """A Value as a Python value: int, float, bool, str, bytes, datetime, a list of those, or None."""
    kind = value.WhichOneof("val")
    if kind is None or kind == "null_val":
        return None
    if kind == "timestamp_val":
        return timestamp_to_datetime(value.timestamp_val)
    if kind == "timestamp_list_val":
        return [timestamp_to_datetime(t) for t in value.timestamp_list_val.val]
    if kind.endswith("_list_val"):
        return list(getattr(value, kind).val)
    return getattr(value, kind)
