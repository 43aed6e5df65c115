@data_loader
def rows(*args, **kwargs):
    for i in range(int(kwargs.get('rows', 5000))):
        yield {'id': i}
