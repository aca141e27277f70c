"""Build script of the Larder Python client.

The gRPC stubs of larder.serving.v1 (and the larder.core.v1 messages it uses) are generated while the package
is built, from the repository's .proto files, so they can never drift from the server's schema. It needs
`protoc` and the gRPC Python plugin `grpc_python_plugin` (Debian: protobuf-compiler-grpc, which brings
protoc 3.21 matching python3-protobuf 3.21); PROTOC, GRPC_PYTHON_PLUGIN and LARDER_PROTO_DIR override where
they are found.

This is a plain setup.py without pyproject.toml on purpose: pip then builds with the setuptools already
installed (Debian's python3-setuptools) instead of downloading one into an isolated build environment,
so `pip install ./clients/python` works on a machine without PyPI access.
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def proto_dir():
    configured = os.environ.get("LARDER_PROTO_DIR")
    path = Path(configured) if configured else HERE.parent.parent / "proto" / "src" / "main" / "proto"
    if not (path / "larder" / "serving" / "v1" / "serving.proto").is_file():
        raise SystemExit(
            f"larder-client: no larder/serving/v1/serving.proto under {path}; build from a Larder checkout "
            "(pip install ./clients/python) or set LARDER_PROTO_DIR to the folder holding larder/...")
    return path


def tool(env, name, hint):
    found = os.environ.get(env) or shutil.which(name)
    if not found:
        raise SystemExit(f"larder-client: {name} not found on PATH (set {env}); {hint}")
    return found


def generate(out_dir):
    """Writes larder/core/v1/*_pb2.py and larder/serving/v1/serving_pb2(_grpc).py under out_dir."""
    protos = proto_dir()
    out_dir = os.path.abspath(out_dir)
    protoc = tool("PROTOC", "protoc", "install the Debian package protobuf-compiler-grpc")
    plugin = tool("GRPC_PYTHON_PLUGIN", "grpc_python_plugin", "install the Debian package protobuf-compiler-grpc")
    files = sorted(str(p.relative_to(protos)) for p in (protos / "larder").rglob("*.proto"))
    os.makedirs(out_dir, exist_ok=True)
    cmd = [protoc, f"-I{protos}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
           f"--plugin=protoc-gen-grpc_python={plugin}", *files]
    subprocess.run(cmd, check=True, cwd=protos)
    for package in ("larder/core", "larder/core/v1", "larder/serving", "larder/serving/v1"):
        init = Path(out_dir) / package / "__init__.py"
        if not init.exists():
            init.write_text("# Generated from the repository's .proto files when the package was built.\n")
    # The messages of larder.core.v1 have no services; their empty *_pb2_grpc.py modules are not shipped.
    for empty in (Path(out_dir) / "larder" / "core" / "v1").glob("*_pb2_grpc.py"):
        empty.unlink()


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        generate(self.build_lib)


setup(
    name="larder-client",
    version="0.1.0",
    description="Python client of the Larder feature store: online lookups over gRPC, training sets, discovery.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.9",
    packages=["larder"],
    # The Debian versions this is tested with (grpcio 1.51, protobuf 3.21 / python 4.21); pandas is optional.
    install_requires=["grpcio>=1.51", "protobuf>=4.21"],
    extras_require={"pandas": ["pandas>=1.5"]},
    cmdclass={"build_py": BuildWithStubs},
)
