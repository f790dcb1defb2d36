"""A separate analyst process for test_loading_concurrent_readers: queries the warehouse until told to stop.

Usage: python reader_process.py WAREHOUSE OUT_FILE STOP_FILE hold|reconnect
`hold` keeps one read-only connection open the whole time; `reconnect` opens a new one for every query.
Every observation (one query over raw, intermediate, marts and the snapshot) is a JSON line in OUT_FILE;
the first line, "ready", is written once the first query has succeeded. After STOP_FILE appears the
reader makes one last observation, begun after it appeared, and exits.
"""

import json
import sys
import time
from pathlib import Path

import duckdb

FINGERPRINT = """
select
    (select count(*) from raw.projects where created_on is not null) as raw_with_created_on,
    (select tags::varchar from raw.projects where id = 367) as raw_tags_367,
    (select max(loaded_at)::varchar from intermediate.int_project_tags_unnested) as unnested_loaded_at,
    (select count(*) from marts.labeled_projects where created_on is not null) as marts_with_created_on,
    (select sum(frequency) from marts.tag_frequencies) as marts_tag_uses,
    (select count(*) from snapshots.project_history) as snapshot_versions
"""


def main(warehouse: str, out_file: str, stop_file: str, mode: str) -> None:
    stop = Path(stop_file)
    held = duckdb.connect(warehouse, read_only=True) if mode == "hold" else None
    with open(out_file, "w") as out:
        first = True
        while True:
            # Checked before the query, so the last observation starts after the stop file appeared.
            stopping = stop.exists()
            con = held or duckdb.connect(warehouse, read_only=True)
            row = con.execute(FINGERPRINT).fetchone()
            if held is None:
                con.close()
            out.write(json.dumps(list(row)) + "\n")
            if first:
                out.write('"ready"\n')
                first = False
            out.flush()
            if stopping:
                break
            time.sleep(0.05)
    if held is not None:
        held.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
