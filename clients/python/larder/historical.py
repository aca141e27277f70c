"""Point-in-time training sets through the `larder training-set` command."""
import os
import shutil
import subprocess
import tempfile

from larder.errors import TrainingSetError


def get_historical_features(entity_df, features=None, service=None, repo=None, launcher=None,
                            timestamp_column="event_timestamp", full_feature_names=False, extra_args=(),
                            timeout=None):
    """
    Runs `larder training-set` and returns its output as a pandas DataFrame: one row per entity row, in
    order, with the entity columns and the features as they were known at each row's timestamp.

    `entity_df` is a DataFrame (join key columns and `timestamp_column`) or the path of a Parquet or CSV file.
    A DataFrame is handed over as CSV, since Debian has no pyarrow; timestamps are written as ISO-8601 UTC
    (naive ones are taken as UTC). The result is read back from CSV: integer features with nulls become
    floats, as pandas does for any CSV. `launcher` is the `larder` executable (default: `larder` on PATH).
    Raises TrainingSetError with the command's stderr when it fails.
    """
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("get_historical_features needs pandas (apt-get install python3-pandas)") from e
    if (features is None) == (service is None):
        raise ValueError("give exactly one of features=[...] or service='...'")
    larder = launcher or shutil.which("larder")
    if larder is None:
        raise FileNotFoundError("the larder launcher is not on PATH; pass launcher='/path/to/bin/larder'")
    with tempfile.TemporaryDirectory(prefix="larder-training-") as tmp:
        if isinstance(entity_df, (str, os.PathLike)):
            entities = os.fspath(entity_df)
        else:
            entities = os.path.join(tmp, "entities.csv")
            _write_csv(pd, entity_df, entities)
        out = os.path.join(tmp, "training.csv")
        cmd = [larder, "training-set", "--entities", entities, "--out", out,
               "--timestamp-column", timestamp_column]
        if repo is not None:
            cmd += ["--repo", os.fspath(repo)]
        if service is not None:
            cmd += ["--service", service]
        else:
            cmd += ["--features", ",".join([features] if isinstance(features, str) else features)]
        if full_feature_names:
            cmd.append("--full-feature-names")
        cmd += list(extra_args)
        env = dict(os.environ, LARDER_NO_PROGRESS="1")
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        if done.returncode != 0:
            raise TrainingSetError(done.returncode, done.stderr or done.stdout)
        df = pd.read_csv(out, keep_default_na=True)
    if timestamp_column in df.columns:
        df[timestamp_column] = pd.to_datetime(df[timestamp_column], utc=True)
    return df


def _write_csv(pd, df, path):
    out = df.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            times = out[column]
            if times.dt.tz is None:
                times = times.dt.tz_localize("UTC")
            out[column] = times.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out.to_csv(path, index=False)
