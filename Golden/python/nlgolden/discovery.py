"""Finding the golden suite (FORMAT.md, "Finding the suite").

In order: the directory given explicitly (``--golden DIR``), else the environment variable
NLSPEC_GOLDEN, else the suite this package was built from: the copy bundled into the installed
package (``nlgolden/golden/``), or, when running from the source tree, the ``Golden/`` folder that
holds ``python/nlgolden/``.  An explicit directory or NLSPEC_GOLDEN is used as given (a typo must
not silently grade against another suite); when the chosen place holds no readable
MANIFEST.json, the error names all three places.
"""

import os

from ._errors import GoldenError

ENV = "NLSPEC_GOLDEN"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def bundled_dir():
    """Where an installed package keeps its copy of the suite."""
    return os.path.join(_PACKAGE_DIR, "golden")


def source_tree_dir():
    """The Golden/ folder of the source tree, when this package runs from Golden/python/
    (None when the package is not inside a folder named python)."""
    python_dir = os.path.dirname(_PACKAGE_DIR)
    if os.path.basename(python_dir) != "python":
        return None
    return os.path.dirname(python_dir)


def _has_manifest(d):
    p = os.path.join(d, "MANIFEST.json")
    return os.path.isfile(p) and os.access(p, os.R_OK)


def builtin_golden():
    """The suite the package was built from, or None."""
    for d in (bundled_dir(), source_tree_dir()):
        if d is not None and _has_manifest(d):
            return d
    return None


def find_golden(golden=None, environ=None):
    """The directory of the suite to use; GoldenError naming every place when there is none."""
    environ = os.environ if environ is None else environ
    env = environ.get(ENV) or None
    if golden is not None:
        chosen = os.fspath(golden)
    elif env is not None:
        chosen = env
    else:
        chosen = builtin_golden()
    if chosen is not None and _has_manifest(chosen):
        return chosen
    places = [
        f"--golden {os.fspath(golden)!r}" if golden is not None else "--golden not given",
        f"{ENV}={env!r}" if env is not None else f"{ENV} not set",
        "the suite the package was built from (" + " or ".join(
            d for d in (bundled_dir(), source_tree_dir()) if d is not None) + ")",
    ]
    what = f"no readable MANIFEST.json in {chosen!r}" if chosen is not None else "no suite found"
    raise GoldenError("(suite)", f"{what}; places: {'; '.join(places)}", field="--golden")
