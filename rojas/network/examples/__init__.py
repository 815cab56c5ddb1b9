"""Example networks shipped with rojas (node-link JSON files beside this module)."""

from importlib import resources

__all__ = ["example_path", "examples"]


def examples():
    """The names of the bundled example networks."""
    return sorted(p.name[:-5] for p in resources.files(__name__).iterdir()
                  if p.name.endswith(".json") and not p.name.endswith(".data.json"))


def example_path(name, kind="network"):
    """The path of a bundled example's network file, or of its data file.

    Parameters
    ----------
    name : str
        One of :func:`examples`.
    kind : {"network", "data"}

    Raises
    ------
    RojasError
        For an unknown example.
    """
    from ...errors import RojasError

    if name not in examples():
        raise RojasError(f"no example {name!r} (examples: {', '.join(examples())})")
    suffix = ".json" if kind == "network" else ".data.json"
    return str(resources.files(__name__) / f"{name}{suffix}")
