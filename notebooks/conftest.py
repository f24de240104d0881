"""pytest (nbval) settings for the lesson notebooks.

With pytest-xdist, every cell of one notebook must run on the same worker,
in order, in one kernel: group the items by notebook (`--dist loadgroup`).
"""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.fspath)
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(name=path))
