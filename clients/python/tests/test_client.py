"""The Python client against real larder-server processes (see conftest.py for the data)."""
import datetime
import json
import ssl
import urllib.error
import urllib.request

import grpc
import pandas as pd
import pytest

import larder
from conftest import ALL_TOKEN, EVENT_TIME, PROFILE_TOKEN
from larder.serving.v1 import serving_pb2


@pytest.fixture
def client(server):
    with larder.Client(server.target) as c:
        yield c


def test_every_value_status_with_values_and_event_times(client):
    response = client.get_online_features(features=["profile:country", "profile:score", "session:clicks"],
                                          entities={"user_id": [1, 2, 3, 99]})
    assert response.feature_names == ["country", "score", "clicks"]
    assert response.rows() == [
        {"user_id": 1, "country": "DE", "score": 0.5, "clicks": 7},
        {"user_id": 2, "country": None, "score": 1.5, "clicks": 3},
        {"user_id": 3, "country": "FR", "score": None, "clicks": 1},
        {"user_id": 99, "country": None, "score": None, "clicks": None},
    ]
    statuses = response.statuses()
    assert statuses["country"] == ["PRESENT", "NULL_VALUE", "PRESENT", "NOT_FOUND"]
    assert statuses["score"] == ["PRESENT", "PRESENT", "NULL_VALUE", "NOT_FOUND"]
    # session has a 30-minute TTL and the rows are an hour old: served, but flagged.
    assert statuses["clicks"] == ["OUTSIDE_MAX_AGE"] * 3 + ["NOT_FOUND"]
    assert response.event_timestamps()["country"] == [EVENT_TIME, EVENT_TIME, EVENT_TIME, None]


def test_dataframe_has_values_statuses_and_timestamps(client):
    df = client.get_online_features(features=["profile"], entities={"user_id": [1, 99]}).to_df()
    assert list(df.columns) == ["user_id", "country", "country__status", "country__event_timestamp",
                                "score", "score__status", "score__event_timestamp"]
    assert df["country"].tolist() == ["DE", None]
    assert df["country__status"].tolist() == ["PRESENT", "NOT_FOUND"]
    assert df["score__event_timestamp"].iloc[0] == pd.Timestamp(EVENT_TIME)
    assert pd.isna(df["score__event_timestamp"].iloc[1])
    assert str(df["score__event_timestamp"].dtype) == "datetime64[ns, UTC]"


def test_feature_service_with_full_feature_names(client):
    response = client.get_online_features(service="model", entities={"user_id": [1]}, full_feature_names=True)
    assert response.feature_names == ["profile__country", "session__clicks"]
    assert response.to_dict() == {"profile__country": ["DE"], "session__clicks": [7]}


def test_discovery(client):
    assert [v.name for v in client.list_feature_views()] == ["profile", "session"]
    assert [s.name for s in client.list_feature_services()] == ["model"]
    assert [k.name for e in client.list_entities() for k in e.join_keys] == ["user_id"]
    info = client.serving_info()
    assert info.registry_version >= 1
    assert sorted(v.name for v in info.views) == ["profile", "session"]
    assert all(v.data_version for v in info.views)


@pytest.mark.parametrize("call, error, code, words", [
    (dict(features=["profile:nope"], entities={"user_id": [1]}), larder.NotFoundError,
     grpc.StatusCode.NOT_FOUND, ["profile", "nope"]),
    (dict(service="no_such_model", entities={"user_id": [1]}), larder.NotFoundError,
     grpc.StatusCode.NOT_FOUND, ["no_such_model"]),
    (dict(features=["profile"], entities={"account": [1]}), larder.InvalidArgumentError,
     grpc.StatusCode.INVALID_ARGUMENT, ["user_id"]),
    (dict(features=["profile"], entities={"user_id": list(range(6))}), larder.InvalidArgumentError,
     grpc.StatusCode.INVALID_ARGUMENT, ["max_entities_per_request", "5"]),
])
def test_refusals_are_typed_and_keep_the_grpc_status(client, call, error, code, words):
    with pytest.raises(error) as raised:
        client.get_online_features(**call)
    assert isinstance(raised.value, larder.LarderError)
    assert raised.value.code == code
    for word in words:
        assert word in raised.value.message


def test_join_keys_are_sent_with_their_declared_type(client):
    with pytest.raises(TypeError, match="INT64"):
        client.get_online_features(features=["profile"], entities={"user_id": ["1"]})
    # numpy integers from a DataFrame column are fine
    ids = pd.Series([1, 2]).to_numpy()
    assert client.get_online_features(features=["profile:country"], entities={"user_id": ids}).to_dict() == {
        "country": ["DE", None]}


def test_unreachable_server_is_unavailable():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with larder.Client(f"127.0.0.1:{port}", timeout=2) as c:
        with pytest.raises(larder.UnavailableError) as raised:
            c.list_feature_views()
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE


def test_token_and_tls(secured_server, certificates):
    ca = str(certificates / "ca.crt")
    with larder.Client(secured_server.target, token=PROFILE_TOKEN, tls=ca) as c:
        assert c.get_online_features(features=["profile:country"], entities={"user_id": [1]}).to_dict() == {
            "country": ["DE"]}
        with pytest.raises(larder.PermissionDeniedError) as denied:
            c.get_online_features(features=["session:clicks"], entities={"user_id": [1]})
        assert "session" in denied.value.message and "profile-reader" in denied.value.message
    with larder.Client(secured_server.target, token=ALL_TOKEN, tls=ca) as c:
        assert c.get_online_features(service="model", entities={"user_id": [1]}).to_dict() == {
            "country": ["DE"], "clicks": [7]}
    with larder.Client(secured_server.target, tls=ca) as c:
        with pytest.raises(larder.UnauthenticatedError, match="bearer token"):
            c.list_feature_views()
    with larder.Client(secured_server.target, token="wrong", tls=ca) as c:
        with pytest.raises(larder.UnauthenticatedError, match="invalid bearer token"):
            c.list_feature_views()
    # Plaintext against the TLS port does not get through.
    with larder.Client(secured_server.target, token=ALL_TOKEN, timeout=3) as c:
        with pytest.raises(larder.UnavailableError):
            c.list_feature_views()


def test_mutual_tls(mutual_tls_server, certificates):
    ca = str(certificates / "ca.crt")
    with larder.Client(mutual_tls_server.target, tls=ca, client_cert=str(certificates / "client.crt"),
                       client_key=(certificates / "client.key").read_bytes()) as c:
        assert c.get_online_features(features=["profile:country"], entities={"user_id": [1]}).to_dict() == {
            "country": ["DE"]}
    with larder.Client(mutual_tls_server.target, tls=ca, timeout=3) as c:
        with pytest.raises(larder.UnavailableError):
            c.list_feature_views()


def test_http_json_answers_like_grpc(client, server):
    """The server's HTTP/JSON API, from Python's standard library: same response as the gRPC call."""
    body = {"feature_service": "model", "entities": {"user_id": {"values": [{"int64_val": "1"}, {"int64_val": "2"}]}}}
    request = urllib.request.Request(server.http + "/v1/features:get", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as r:
        from_http = json.load(r)
    from_grpc = client.get_online_features(service="model", entities={"user_id": [1, 2]}).proto
    from google.protobuf import json_format
    assert json_format.ParseDict(from_http, serving_pb2.GetOnlineFeaturesResponse()) == from_grpc
    assert from_http["results"][0]["statuses"] == ["PRESENT", "NULL_VALUE"]
    with pytest.raises(urllib.error.HTTPError) as raised:
        bad = urllib.request.Request(server.http + "/v1/features:get", data=b"{not json", method="POST")
        urllib.request.urlopen(bad, timeout=10)
    assert raised.value.code == 400
    assert "INVALID_ARGUMENT" in raised.value.read().decode()


def test_http_json_with_token_over_tls(secured_server, certificates):
    context = ssl.create_default_context(cafile=str(certificates / "ca.crt"))
    request = urllib.request.Request(secured_server.http + "/v1/views",
                                     headers={"Authorization": f"Bearer {PROFILE_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10, context=context) as r:
        assert [v["name"] for v in json.load(r)["feature_views"]] == ["profile", "session"]
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(secured_server.http + "/v1/views", timeout=10, context=context)
    assert raised.value.code == 401


def test_historical_features_through_the_launcher(repo):
    entity_df = pd.DataFrame({
        "user_id": [1, 2, 1],
        "event_timestamp": [EVENT_TIME + datetime.timedelta(minutes=5), EVENT_TIME + datetime.timedelta(minutes=5),
                            EVENT_TIME - datetime.timedelta(minutes=5)],
        "label": [1, 0, 1],
    })
    df = larder.get_historical_features(entity_df, features=["profile:country", "profile:score"], repo=repo,
                                        launcher=__import__("conftest").launcher("larder"))
    assert list(df.columns) == ["user_id", "event_timestamp", "label", "country", "score"]
    assert df["user_id"].tolist() == [1, 2, 1]
    assert df["label"].tolist() == [1, 0, 1]
    # Point in time: the third row is before the profile row existed.
    assert df["country"].iloc[0] == "DE" and pd.isna(df["country"].iloc[1]) and pd.isna(df["country"].iloc[2])
    assert df["score"].iloc[1] == 1.5 and pd.isna(df["score"].iloc[2])
    assert df["event_timestamp"].iloc[0] == pd.Timestamp(EVENT_TIME + datetime.timedelta(minutes=5))


def test_historical_features_failure_carries_the_launcher_message(repo):
    entity_df = pd.DataFrame({"user_id": [1], "event_timestamp": [EVENT_TIME]})
    with pytest.raises(larder.TrainingSetError) as raised:
        larder.get_historical_features(entity_df, features=["profile:nope"], repo=repo,
                                       launcher=__import__("conftest").launcher("larder"))
    assert raised.value.returncode != 0
    assert "nope" in raised.value.stderr
