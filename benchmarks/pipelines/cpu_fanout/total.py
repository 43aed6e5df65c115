@data_exporter
def total(rows: list, **kwargs):
    return sum(row["total"] for row in rows)
