@transformer
def join(left, right, *args, **kwargs):
    """Reads all of `left` before the first item of `right`: a dependent multi-input block."""
    lefts = {row['id']: row for row in left}
    for row in right:
        yield {**lefts[row['id']], **row}
