"""The dbt docs site (`make docs`) renders in a real browser: labeled_projects' page and the lineage graph."""

import html
import re
from pathlib import Path

import pytest
from PIL import Image

from support.browser import rendered_dom, screenshot, serve
from support.commands import run_dbt

MODEL_PAGE = "#!/model/model.tagifai.labeled_projects"
# dbt docs' colours: lineage background, model nodes, exposure nodes.
LINEAGE_BACKGROUND = (0x00, 0x5E, 0x7A)
MODEL_NODE = (0x00, 0x94, 0xB3)
EXPOSURE_NODE = (0xFF, 0x69, 0x4B)


def _count(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    colors = image.getcolors(maxcolors=image.width * image.height)
    return sum(n for n, color in colors if all(abs(a - b) <= tolerance for a, b in zip(color, rgb, strict=True)))


@pytest.fixture(scope="module")
def docs_url(real_warehouse: Path):  # noqa: ANN201
    run_dbt(real_warehouse, "docs generate")
    target = real_warehouse.parent / "dbt_target"
    for name in ("index.html", "manifest.json", "catalog.json"):
        assert (target / name).is_file(), f"dbt docs generate wrote no {name}"
    with serve(target) as base_url:
        yield f"{base_url}/index.html"


def test_labeled_projects_page_renders(docs_url: str) -> None:
    dom = html.unescape(rendered_dom(docs_url + MODEL_PAGE))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
    assert "labeled_projects incremental" in text  # the page heading: name and materialization (incremental by project)
    assert "One row per labeled project (grain: id)" in text
    for column, description in [
        ("text", "the classifier's input"),
        ("tags", "The labels: kept tags in the author's original order"),
        ("created_on", "When the project was created"),
    ]:
        assert column in text and description in text, column
    assert "{{ model." not in text  # angular filled in the page's bindings (jinja in the shown SQL may stay)
    assert "tag_classifier_training_set" in dom or "Tag classifier training set" in text  # the exposure downstream


def test_lineage_graph_renders(docs_url: str, tmp_path: Path) -> None:
    url = docs_url + MODEL_PAGE + "?g_v=1"
    dom = rendered_dom(url)
    node_layer = re.search(r'<canvas[^>]*data-id="layer2-node"[^>]*width="(\d+)" height="(\d+)"', dom)
    assert node_layer and int(node_layer.group(1)) > 300 and int(node_layer.group(2)) > 100, "lineage canvas empty"
    with Image.open(screenshot(url, tmp_path / "lineage.png")) as shot:
        image = shot.convert("RGB")
    pixels = image.width * image.height
    assert _count(image, LINEAGE_BACKGROUND) > pixels // 3  # the lineage panel fills the page
    assert _count(image, MODEL_NODE) > 2000  # dozens of model nodes are drawn on it
    assert _count(image, EXPOSURE_NODE, tolerance=30) > 20  # and the classifier's exposure (smaller as the graph grows)
