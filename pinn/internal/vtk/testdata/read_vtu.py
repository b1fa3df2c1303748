# An independent reader of the .vtu and .vti files package vtk writes
# (xml.etree and struct only): prints the point coordinates (a .vti's
# computed from its origin, spacing and extent, x fastest), the cells and
# every point-data array as JSON. Used by the tests of package vtk and of pinn.
import json, struct, sys, xml.etree.ElementTree as ET
data = open(sys.argv[1], 'rb').read()
mark = b'<AppendedData encoding="raw">'
i = data.index(mark)
root = ET.fromstring(data[:i] + b'</VTKFile>')
blk = data[data.index(b'_', i + len(mark)) + 1:]
assert root.get('header_type') == 'UInt64' and root.get('byte_order') == 'LittleEndian'
def read(da):
    off = int(da.get('offset'))
    (nb,) = struct.unpack_from('<Q', blk, off)
    fmt = {'Float64': 'd', 'Int64': 'q', 'UInt8': 'B'}[da.get('type')]
    return list(struct.unpack_from('<%d%s' % (nb // struct.calcsize(fmt), fmt), blk, off + 8))
if root.get('type') == 'ImageData':
    img = root.find('ImageData')
    piece = img.find('Piece')
    ext = [int(v) for v in img.get('WholeExtent').split()]
    assert piece.get('Extent') == img.get('WholeExtent')
    org = [float(v) for v in img.get('Origin').split()]
    sp = [float(v) for v in img.get('Spacing').split()]
    pts = []
    for k in range(ext[4], ext[5] + 1):
        for j in range(ext[2], ext[3] + 1):
            for i in range(ext[0], ext[1] + 1):
                pts += [org[0] + i * sp[0], org[1] + j * sp[1], org[2] + k * sp[2]]
    out = {'n': len(pts) // 3, 'points': pts}
else:
    piece = root.find('UnstructuredGrid/Piece')
    out = {'n': int(piece.get('NumberOfPoints'))}
    out['points'] = read(piece.find('Points/DataArray'))
    for da in piece.find('Cells'):
        out[da.get('Name')] = read(da)
for da in piece.find('PointData'):
    out['data:' + da.get('Name')] = read(da)
# JSON has no NaN: null stands for it
out = {k: [None if x != x else x for x in v] if isinstance(v, list) else v for k, v in out.items()}
print(json.dumps(out))
