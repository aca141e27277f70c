"""What get_online_features returns: the response as rows of dicts, columns, or a pandas DataFrame."""
from larder.serving.v1 import serving_pb2
from larder.values import from_value, timestamp_to_datetime

STATUS_NAMES = {number: name for name, number in serving_pb2.FieldStatus.items()}


class OnlineResponse:
    """
    The answer to one lookup. Rows follow the request's entity rows; `feature_names` are in response order.
    Every value has a status: PRESENT, NULL_VALUE (found, value is null), NOT_FOUND (no row for the entity)
    or OUTSIDE_MAX_AGE (older than the view's TTL; the value is still given).
    """

    def __init__(self, proto, entities):
        self.proto = proto
        self.entities = entities
        self.feature_names = list(proto.feature_names)

    def __len__(self):
        return len(self.proto.results[0].values) if self.proto.results else _rows(self.entities)

    def to_dict(self):
        """{feature name: [value per entity row]}."""
        return {name: [from_value(v) for v in vector.values]
                for name, vector in zip(self.feature_names, self.proto.results)}

    def statuses(self):
        """{feature name: [status name per entity row]}."""
        return {name: [STATUS_NAMES[s] for s in vector.statuses]
                for name, vector in zip(self.feature_names, self.proto.results)}

    def event_timestamps(self):
        """{feature name: [event time (UTC datetime) per entity row, None when NOT_FOUND]}."""
        out = {}
        for name, vector in zip(self.feature_names, self.proto.results):
            times = []
            for i in range(len(vector.values)):
                found = i < len(vector.statuses) and vector.statuses[i] != serving_pb2.NOT_FOUND
                times.append(timestamp_to_datetime(vector.event_timestamps[i])
                             if found and i < len(vector.event_timestamps) else None)
            out[name] = times
        return out

    def rows(self):
        """One dict per entity row: the join keys as sent, then each feature's value."""
        values = self.to_dict()
        out = []
        for i in range(len(self)):
            row = {key: column[i] for key, column in self.entities.items()}
            for name in self.feature_names:
                row[name] = values[name][i]
            out.append(row)
        return out

    def to_df(self):
        """
        A pandas DataFrame: the join key columns, then per feature its values (`name`), statuses
        (`name__status`) and event times (`name__event_timestamp`, UTC). Needs pandas (Debian: python3-pandas).
        """
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("OnlineResponse.to_df needs pandas (apt-get install python3-pandas); "
                              "rows(), to_dict() and statuses() work without it") from e
        columns = {key: list(column) for key, column in self.entities.items()}
        values, statuses, times = self.to_dict(), self.statuses(), self.event_timestamps()
        for name in self.feature_names:
            columns[name] = values[name]
            columns[name + "__status"] = statuses[name]
            columns[name + "__event_timestamp"] = pd.to_datetime(times[name], utc=True)
        return pd.DataFrame(columns)


def _rows(entities):
    for column in entities.values():
        return len(column)
    return 0
