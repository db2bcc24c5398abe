"""One event per uuid across the whole lake, and a uuid reused with other content is reported."""

import csv
import json

import pytest

HEADER = "uuid,user_id,event,timestamp\n"


def _import(cli, path, *args):  # type: ignore[no-untyped-def]
    return json.loads(cli(*args, "events", "import", str(path), "--json").stdout)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"])
def test_a_reimport_under_another_time_zone_adds_nothing(cli, write, workspace, zone):
    # Zone-less times near midnight: another zone puts them on another UTC day.
    path = write("e.csv", HEADER + "id-1,u1,a,2024-01-01 23:30:00\nid-2,u2,b,2024-01-02 00:30:00\n")
    assert _import(cli, path)["added"] == 2
    again = _import(cli, path, "--setting", f"timezone={zone}")
    assert (again["read"], again["added"], again["duplicates"]) == (2, 0, 2)
    assert workspace.lake.row_count() == 2


# (rows after the header, events added, conflicts, locations of the rows left out)
CASES = [
    ("id-1,u1,a,2024-01-01T00:00:00Z\nid-1,u1,a,2024-01-01T00:00:00Z\n", 1, 0, []),
    ("id-1,u1,a,2024-01-01T00:00:00Z\nid-1,u2,a,2024-01-01T00:00:00Z\n", 1, 1, ["line 3"]),
    ("id-1,u1,a,2024-01-01T00:00:00Z\nid-2,u1,b,2024-01-05T00:00:00Z\n"
     "id-1,u1,a,2024-03-01T00:00:00Z\nid-1,u1,a,2024-01-01T00:00:00Z\n"
     "id-2,u1,c,2024-01-05T00:00:00Z\n", 2, 2, ["line 4", "line 6"]),
]


@pytest.mark.parametrize(("rows", "added", "conflicts", "where"), CASES)
def test_a_uuid_reused_with_other_content_is_reported(cli, write, workspace, tmp_path, rows,
                                                      added, conflicts, where):
    path = write("e.csv", HEADER + rows)
    rejects = tmp_path / "rejects.csv"
    result = cli("events", "import", str(path), "--rejects", str(rejects), "--json")
    counts = json.loads(result.stdout)
    assert (counts["added"], counts["conflicts"], counts["rejected"]) == (added, conflicts, 0)
    assert counts["read"] == rows.count("\n") - conflicts
    assert workspace.lake.row_count() == added
    if not conflicts:
        assert not rejects.exists()
        return
    with rejects.open(encoding="utf-8") as f:
        listed = list(csv.DictReader(f))
    assert [row["location"] for row in listed] == where
    assert all("is already used by line 2" in row["reason"] or "by line 3" in row["reason"]
               for row in listed)
    text = cli("events", "import", str(path), "--rejects", str(rejects)).stderr
    assert f"Left out {conflicts} rows whose event id an earlier row" in text
