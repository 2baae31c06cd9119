"""Build hooks that bundle the golden suite into the package (metadata is in pyproject.toml).

The suite (MANIFEST.json and cases/) is copied into nlgolden/golden/ of the built package from
the source tree's Golden/ folder, the parent of this directory; an sdist carries its own copy in
golden_data/ so that a wheel built from it has the suite too.  Without either the package still
works with --golden or NLSPEC_GOLDEN.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))


def suite_source():
    """The suite to bundle, or None."""
    for d in (os.path.dirname(HERE), os.path.join(HERE, "golden_data")):
        if (os.path.isfile(os.path.join(d, "MANIFEST.json"))
                and os.path.isdir(os.path.join(d, "cases"))):
            return d
    return None


def copy_suite(src, dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    shutil.copy2(os.path.join(src, "MANIFEST.json"), dst)
    shutil.copytree(os.path.join(src, "cases"), os.path.join(dst, "cases"))


class BuildPyWithSuite(build_py):
    def run(self):
        editable = getattr(self, "editable_mode", False)
        if not editable:        # no module deleted from the sources survives in build/lib
            shutil.rmtree(os.path.join(self.build_lib, "nlgolden"), ignore_errors=True)
        super().run()
        if editable:
            return              # an editable install finds the suite in the source tree
        src = suite_source()
        if src is None:
            self.warn("no golden suite next to the sources: the package is built without one")
            return
        copy_suite(src, os.path.join(self.build_lib, "nlgolden", "golden"))


class SdistWithSuite(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        src = suite_source()
        if src is not None:
            copy_suite(src, os.path.join(base_dir, "golden_data"))


setup(cmdclass={"build_py": BuildPyWithSuite, "sdist": SdistWithSuite})
