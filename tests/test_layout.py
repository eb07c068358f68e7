"""The layers the tree shows are the packages that install: a folder left out of pyproject.toml would be
missing from the wheel, and a module back at the top of linter/ would blur the layers."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def _declared_packages() -> set:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])


def test_every_folder_of_the_package_is_declared():
    folders = {
        "mlcheck" + "".join("." + part for part in init.parent.relative_to(ROOT / "linter").parts)
        for init in (ROOT / "linter").rglob("__init__.py")
    }
    assert folders | {"mlcheck.rules"} == _declared_packages()


def test_the_top_of_the_package_holds_only_the_entry_points():
    assert sorted(p.name for p in (ROOT / "linter").glob("*.py")) == ["__init__.py", "__main__.py"]


def test_each_layer_says_what_it_holds():
    for init in (ROOT / "linter").glob("*/__init__.py"):
        assert init.read_text().lstrip().startswith('"""'), init
