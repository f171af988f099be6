"""Build hook: compile ``batchprep._speedups`` (src/batchprep/_speedups.c) into the wheel.

The extension is optional.  Where there is no C compiler (or ``BATCHPREP_NO_EXTENSION=1`` is set),
the hook says so and the wheel is pure Python: batchprep then runs its generated Python codecs,
which give the same results, only slower.

A regular wheel gets the compiled file from a scratch directory; an editable install (``pip install
-e .``) builds it in place, next to the source, where the editable install finds it.

``python hatch_build.py`` rebuilds the in-place extension after editing the C file (hatchling need
not be installed for that); ``python hatch_build.py --sanitize`` builds it with AddressSanitizer and
UndefinedBehaviorSanitizer for .ci/sanitize, and ``BATCHPREP_CFLAGS`` adds compiler flags to any build.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

SOURCE = Path("src/batchprep/_speedups.c")
#: Flags of the sanitizer build (.ci/sanitize): every report is fatal, and stack traces are readable.
SANITIZE = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def compile_extension(source: Path, target: Path, flags: list[str] | None = None) -> None:
    """Compile and link one C file into an extension module with the running Python's settings."""
    ldshared = sysconfig.get_config_var("LDSHARED")
    if not ldshared:
        raise OSError("this Python has no LDSHARED setting (no Unix-style C toolchain)")
    include = sysconfig.get_paths()["include"]
    command = [
        *shlex.split(ldshared),
        *shlex.split(sysconfig.get_config_var("CCSHARED") or ""),
        *(flags if flags is not None else ["-O2"]),
        *shlex.split(os.environ.get("BATCHPREP_CFLAGS", "")),
        "-I",
        include,
        str(source),
        "-o",
        str(target),
    ]
    subprocess.run(command, check=True, capture_output=True, text=True)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script in an environment without hatchling: only compile_extension is needed
    BuildHookInterface = object


class SpeedupsBuildHook(BuildHookInterface):  # type: ignore[type-arg,misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("BATCHPREP_NO_EXTENSION", "") not in ("", "0"):
            self.app.display_info("batchprep: BATCHPREP_NO_EXTENSION is set: building a pure-Python wheel")
            return
        root = Path(self.root)
        name = "_speedups" + sysconfig.get_config_var("EXT_SUFFIX")
        if version == "editable":
            target = root / SOURCE.parent / name
        else:
            target = Path(tempfile.mkdtemp(prefix="batchprep-build-")) / name
        try:
            compile_extension(root / SOURCE, target)
        except (OSError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", "") or str(err)
            self.app.display_warning(
                "batchprep: could not compile the _speedups extension; the wheel is pure Python "
                f"(same results, slower).\n{detail.strip()}"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(target)] = f"batchprep/{name}"


if __name__ == "__main__":  # python hatch_build.py [--sanitize]: rebuild the in-place extension
    import sys

    here = Path(__file__).resolve().parent
    built = here / SOURCE.parent / ("_speedups" + sysconfig.get_config_var("EXT_SUFFIX"))
    sanitize = "--sanitize" in sys.argv[1:]
    try:
        compile_extension(here / SOURCE, built, SANITIZE if sanitize else None)
    except subprocess.CalledProcessError as err:
        sys.exit(f"could not compile {SOURCE}:\n{err.stderr}")
    print(f"built {built.relative_to(here)}{' with sanitizers' if sanitize else ''}")
