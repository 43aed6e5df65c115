@transformer
def enrich(row, *args, **kwargs):
    return {**row, 'enriched': True}
