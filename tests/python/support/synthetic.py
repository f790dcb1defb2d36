"""Small generated datasets with every edge the lesson's rules care about, for parity tests."""

import json
import random
from pathlib import Path

TAXONOMY = [f"topic-{i:02d}" for i in range(40)] + ["python", "machine-learning", "pytorch"]
NOT_IN_TAXONOMY = ["code", "tutorial", "article", "PyTorch", "Topic-01", "topic-99"]


def write_dataset(folder: Path, n_projects: int, seed: int) -> Path:
    """Write projects.json and tags.json into `folder`: skewed tag use, repeats, case variants, empties."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tags = [{"tag": tag, "aliases": [], "parents": []} for tag in TAXONOMY]
    vocabulary = TAXONOMY + NOT_IN_TAXONOMY
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    rng.shuffle(weights)
    projects = []
    for i in range(n_projects):
        n_tags = rng.choice([0, 1, 1, 2, 3, 4, 6])
        project_tags = rng.choices(vocabulary, weights=weights, k=n_tags)
        if rng.random() < 0.05 and project_tags:
            project_tags.append(project_tags[0])  # a tag repeated inside one project
        projects.append(
            {
                "id": 10_000 + i * 7,
                "title": rng.choice(["Title", " Padded title ", "Quote ' and \" title", "Émoji 😀"]) + f" {i}",
                "description": rng.choice(["A description.", "Line one\nline two", "back\\slash"]),
                "tags": project_tags,
            }
        )
    (folder / "projects.json").write_text(json.dumps(projects, ensure_ascii=False), encoding="utf-8")
    (folder / "tags.json").write_text(json.dumps(tags), encoding="utf-8")
    return folder
