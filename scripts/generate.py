"""Write a synthetic projects.json of any size with the real data's shape (see tagifai/generate.py).

python scripts/generate.py --projects 2000000 --out-dir /tmp/tagifai-2m --source-dir $TAGIFAI_DATA_DIR
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tagifai.generate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
