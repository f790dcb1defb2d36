"""Benchmark the pipeline against the lesson's pandas code and a DuckDB baseline (see tagifai/bench.py).

python scripts/bench.py --sizes 2k,200k,2M,20M
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tagifai.bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
