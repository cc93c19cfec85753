"""A small ruled table's ground truth: label and value pairs from the form, one merged row
and one empty cell."""

from models.truth import TruthCell, TruthPage

XS = (150, 450, 800, 1150, 1500)
YS = (300, 420, 540, 660)
# (row, col, col_span, text, role)
CELLS = (
    (0, 0, 1, "部门名称", "label"),
    (0, 1, 3, "汕头市残疾人联合会", "value"),
    (1, 0, 1, "基本信息", "label"),
    (1, 1, 1, "财政供养人数", "label"),
    (1, 2, 1, "310", "value"),
    (1, 3, 1, "下属单位数", "label"),
    (2, 0, 1, "基本支出", "label"),
    (2, 1, 1, "182.48", "value"),
    (2, 2, 1, "项目支出", "label"),
    (2, 3, 1, "", "value"),
)


def truth_page() -> TruthPage:
    cells = [
        TruthCell(
            row=row,
            col=col,
            col_span=span,
            bbox=[XS[col], YS[row], XS[col + span], YS[row + 1]],
            text=text,
            role=role,
        )
        for row, col, span, text, role in CELLS
    ]
    return TruthPage(
        page=1,
        width=1654,
        height=1100,
        dpi=200,
        table_bbox=[XS[0], YS[0], XS[-1], YS[-1]],
        cells=cells,
    )
