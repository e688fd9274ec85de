"""The spider chart: geometry, and an SVG that reads without colour or JavaScript."""

import math
import xml.etree.ElementTree as ET

import pytest

from portal.workspace.chart import MAX_SCORE, ChartSeries, point, spider_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ("Analyse", "Organisering", "Visjon", "Prioriteringer", "Policy-mix", "Monitorering")
CENTRE = (100.0, 120.0)


def chart(series, **kwargs):
    arguments = {"axis_labels": LABELS, "title": "Vurdering 2026", "description": "Snitt per steg."}
    return spider_chart(series, **(arguments | kwargs))


def outline(marker: ET.Element) -> tuple:
    """A marker's shape, wherever it is drawn: its corners relative to its centre."""
    if marker.tag == f"{SVG}circle":
        return ("circle",)
    corners = [tuple(map(float, p.split(","))) for p in marker.get("points").split()]
    cx = sum(x for x, _ in corners) / len(corners)
    cy = sum(y for _, y in corners) / len(corners)
    return tuple((round(x - cx), round(y - cy)) for x, y in corners)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize("axis", range(6))
def test_a_score_of_five_lies_on_the_outer_ring_and_zero_at_the_centre(axis):
    x, y = point(axis, MAX_SCORE, radius=80, centre=CENTRE)
    assert math.dist((x, y), CENTRE) == pytest.approx(80)
    assert point(axis, 0, radius=80, centre=CENTRE) == pytest.approx(CENTRE)
    half = point(axis, 2.5, radius=80, centre=CENTRE)
    assert math.dist(half, CENTRE) == pytest.approx(40)


def test_axis_zero_points_straight_up_and_the_rest_go_clockwise():
    assert point(0, 5, radius=80, centre=CENTRE) == pytest.approx((100, 40))
    x1, y1 = point(1, 5, radius=80, centre=CENTRE)
    assert x1 > 100 and y1 < 120  # up and to the right
    assert point(3, 5, radius=80, centre=CENTRE) == pytest.approx((100, 200))  # straight down


def test_the_svg_parses_and_has_a_title_and_description_it_is_labelled_by():
    root = parse(chart([ChartSeries("2026", (1, 2, 3, 4, 5, 0))]))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Vurdering 2026" and desc.text == "Snitt per steg."
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert "spider-chart" in root.get("class")  # portal.css scales it to the column


def test_in_the_drawing_a_five_sits_on_the_outer_ring_and_each_axis_ends_there():
    root = parse(chart([ChartSeries("2026", (5, 5, 5, 5, 5, 5))]))
    rings = root.findall(f"{SVG}g/{SVG}polygon")
    assert len(rings) == 5  # 1-5; 0 is the centre
    outer = [tuple(map(float, p.split(","))) for p in rings[-1].get("points").split()]
    group = root.find(f"{SVG}g[@class='spider-chart__series']")
    dots = [(float(c.get("cx")), float(c.get("cy"))) for c in group.iter(f"{SVG}circle")]
    flat = [v for xy in outer for v in xy]
    assert [v for xy in dots for v in xy] == pytest.approx(flat, abs=0.11)
    axes = root.findall(f"{SVG}g/{SVG}line")
    ends = [(float(line.get("x2")), float(line.get("y2"))) for line in axes]
    assert [v for xy in ends for v in xy] == pytest.approx(flat, abs=0.11)


def test_rings_zero_to_five_and_six_labelled_axes():
    svg = chart([])
    root = parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert [str(n) for n in range(6)] == texts[:6]
    assert list(LABELS) == texts[6:12]
    assert len(root.findall(f".//{SVG}line")) == 6


def test_labels_are_escaped():
    svg = chart(
        [ChartSeries("<script>alert(1)</script>", (1,) * 6)],
        title="A & <b>B</b>",
        axis_labels=("<i>x</i>", *LABELS[1:]),
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A & <b>B</b>"
    assert "<script>alert(1)</script>" in [t.text for t in root.iter(f"{SVG}text")]


def test_each_series_has_its_own_dash_and_marker_in_the_chart_and_the_legend():
    series = [ChartSeries(str(year), (1, 2, 3, 4, 5, 2)) for year in range(2021, 2027)]
    root = parse(chart(series))
    groups = root.findall(f"{SVG}g[@class='spider-chart__series']")
    assert len(groups) == 6
    dashes = [g.find(f"{SVG}path").get("stroke-dasharray", "") for g in groups]
    shapes = [g.get("data-shape") for g in groups]
    assert len(set(dashes)) == 6 and len(set(shapes)) == 6
    outlines = set()
    for group in groups:
        markers = [m for m in group if m.tag in (f"{SVG}circle", f"{SVG}polygon")]
        assert len(markers) == 6  # one per scored axis
        outlines.add(outline(markers[0]))
    assert len(outlines) == 6  # six marker shapes, told apart by their outline alone
    legend = root.find(f"{SVG}g[@class='spider-chart__legend']")
    rows = list(legend)
    assert [row.find(f"{SVG}text").text for row in rows] == [s.label for s in series]
    assert [row.find(f"{SVG}line").get("stroke-dasharray", "") for row in rows] == dashes
    # Printable without CSS: strokes are attributes.
    assert all(g.get("stroke") for g in groups)


def test_an_unscored_axis_leaves_a_gap_and_no_marker():
    root = parse(chart([ChartSeries("2026", (1, None, 3, 4, 5, 2))]))
    group = root.find(f"{SVG}g[@class='spider-chart__series']")
    path = group.find(f"{SVG}path").get("d")
    assert "Z" not in path  # not closed through the missing axis
    assert path.count("M") == 1 and path.count("L") == 4  # axes 2-3-4-5-0 joined
    assert len([m for m in group if m.tag != f"{SVG}path"]) == 5


def test_two_gaps_and_no_scores_at_all():
    root = parse(chart([ChartSeries("a", (1, None, 3, None, 5, 2)), ChartSeries("b", (None,) * 6)]))
    first, second = root.findall(f"{SVG}g[@class='spider-chart__series']")
    assert first.find(f"{SVG}path").get("d").count("M") == 2
    assert second.find(f"{SVG}path") is None
    assert len(list(second)) == 0


def test_numbers_are_not_localised(settings):
    from django.utils import translation

    with translation.override("nb"):
        svg = chart([ChartSeries("2026", (1.5, 2, 3, 4, 5, 2))])
    root = parse(svg)
    path = root.find(f".//{SVG}path").get("d")
    assert "," not in path


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        chart([ChartSeries("x", (1, 2, 3))])
    with pytest.raises(ValueError):
        chart([ChartSeries("x", (6, 0, 0, 0, 0, 0))])
    with pytest.raises(ValueError):
        chart([], axis_labels=LABELS[:5])
