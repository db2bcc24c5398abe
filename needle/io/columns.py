"""Which column of a file plays which part: named by the user, or recognised by its name."""

from __future__ import annotations

from needle.errors import InputError


def find_column(names: list[str], given: str | None, recognised: tuple[str, ...],
                file: str, where: str) -> str | None:
    """The column named ``given`` (which must exist), else the first recognised name present."""
    if given is not None:
        if given not in names:
            raise InputError(file, where, f"no column {given!r}; the columns are {_list(names)}")
        return given
    lower = {name.lower(): name for name in names}
    return next((lower[name] for name in recognised if name in lower), None)


def require(column: str | None, role: str, field: str, recognised: tuple[str, ...],
            file: str, where: str, unsplit: tuple[str, ...] = ()) -> str:
    """``column``, or an error saying which names were looked for; ``field`` is the mapping's
    field that names the column. ``unsplit`` are the delimiters tried in vain on a header read
    as one column: then the delimiter, not the column, is most likely what is wrong."""
    if column is not None:
        return column
    looked = f"no {role} column (looked for {', '.join(recognised)})"
    if unsplit:
        tried = ", ".join({"\t": "tab"}.get(d, repr(d)) for d in unsplit)
        raise InputError(file, where, f"{looked}: the header is one column with each "
                         f"delimiter tried ({tried}); name the delimiter", field="delimiter")
    raise InputError(file, where, f"{looked}; name it", field=field)


def _list(names: list[str]) -> str:
    shown = ", ".join(names[:12])
    return shown + (f" and {len(names) - 12} more" if len(names) > 12 else "")
