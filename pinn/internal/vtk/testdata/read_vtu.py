# An independent reader of the .vtu files package vtk writes (xml.etree and
# struct only): prints the point coordinates, the cells and every point-data
# array as JSON. Used by the tests of package vtk and of pinn.
import json, struct, sys, xml.etree.ElementTree as ET
data = open(sys.argv[1], 'rb').read()
mark = b'<AppendedData encoding="raw">'
i = data.index(mark)
root = ET.fromstring(data[:i] + b'</VTKFile>')
blk = data[data.index(b'_', i + len(mark)) + 1:]
assert root.get('header_type') == 'UInt64' and root.get('byte_order') == 'LittleEndian'
piece = root.find('UnstructuredGrid/Piece')
def read(da):
    off = int(da.get('offset'))
    (nb,) = struct.unpack_from('<Q', blk, off)
    fmt = {'Float64': 'd', 'Int64': 'q', 'UInt8': 'B'}[da.get('type')]
    return list(struct.unpack_from('<%d%s' % (nb // struct.calcsize(fmt), fmt), blk, off + 8))
out = {'n': int(piece.get('NumberOfPoints'))}
out['points'] = read(piece.find('Points/DataArray'))
for da in piece.find('Cells'):
    out[da.get('Name')] = read(da)
for da in piece.find('PointData'):
    out['data:' + da.get('Name')] = read(da)
print(json.dumps(out))
