"""How much disk a Parallax installation takes, with and without the PostgreSQL extra.

Sums the file sizes in each installed distribution's RECORD for the packages a default
installation needs (``parallax licences`` finds them), then for those the ``postgresql``
extra adds. Run it in a virtual environment where Parallax is installed with its extras:
``python bench/install_size.py``.
"""

from __future__ import annotations

from importlib import metadata

from packaging.requirements import Requirement

from webapp.licences import runtime_dependencies


def installed_bytes(name: str) -> int:
    """Return the bytes a distribution's files take, as its RECORD lists them."""
    distribution = metadata.distribution(name)
    total = 0
    for file in distribution.files or []:
        path = distribution.locate_file(file)
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def main() -> None:
    """Print the default installation's size and the extra's."""
    base = {dependency.name for dependency in runtime_dependencies()} | {"parallax"}
    extra: set[str] = set()
    for line in metadata.distribution("parallax").requires or []:
        requirement = Requirement(line)
        if requirement.marker is not None and requirement.marker.evaluate({"extra": "postgresql"}):
            if not requirement.marker.evaluate({"extra": ""}):
                extra.add(requirement.name)
                if "binary" in requirement.extras:
                    extra.add(f"{requirement.name}-binary")
    base_size = sum(installed_bytes(name) for name in base)
    extra_size = sum(installed_bytes(name) for name in extra)
    print(f"default installation: {len(base)} packages, {base_size / 2**20:.1f} MiB")
    print(f"postgresql extra:     +{', '.join(sorted(extra))}: {extra_size / 2**20:.1f} MiB")
    print(f"with the extra:       {(base_size + extra_size) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
