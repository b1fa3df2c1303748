// Package vtk writes VTK XML files for ParaView: an unstructured grid of
// points (.vtu) with point data, image data (.vti: values on a regular
// grid, which ParaView can contour, slice and volume-render), and a
// collection (.pvd) of such files by time. In a .vtu the points are the
// cells (VTK_VERTEX), which is how ParaView shows scattered evaluation
// points; the data are float64 arrays in one raw appended block (UInt64
// headers), so files stay compact and exact.
//
// No maintained Go VTK writer exists; the format is small enough to write
// here with encoding/xml and encoding/binary.
package vtk

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// Array is one named point-data array, a value per point.
type Array struct {
	Name   string
	Values []float64
}

// vtkVertex is the VTK cell type of a single point.
const vtkVertex = 1

// WriteVTU writes path (atomically) with the points (x, y, z each) as
// vertices and the arrays as point data.
func WriteVTU(path string, points [][3]float64, data []Array) error {
	n := len(points)
	for _, a := range data {
		if len(a.Values) != n {
			return fmt.Errorf("vtk %s: array %q has %d values for %d points", path, a.Name, len(a.Values), n)
		}
	}
	// The appended block: each array is a UInt64 byte count, then the raw
	// little-endian values; offsets count from the block's start.
	var blk bytes.Buffer
	offsets := []int{}
	put := func(vals any, bytesLen int) {
		offsets = append(offsets, blk.Len())
		binary.Write(&blk, binary.LittleEndian, uint64(bytesLen))
		binary.Write(&blk, binary.LittleEndian, vals)
	}
	coords := make([]float64, 0, 3*n)
	for _, p := range points {
		coords = append(coords, p[0], p[1], p[2])
	}
	put(coords, 8*len(coords))
	conn := make([]int64, n)
	offs := make([]int64, n)
	types := make([]uint8, n)
	for i := range conn {
		conn[i], offs[i], types[i] = int64(i), int64(i+1), vtkVertex
	}
	put(conn, 8*n)
	put(offs, 8*n)
	put(types, n)
	for _, a := range data {
		put(a.Values, 8*n)
	}

	var x bytes.Buffer
	x.WriteString(xml.Header)
	x.WriteString(`<VTKFile type="UnstructuredGrid" version="1.0" byte_order="LittleEndian" header_type="UInt64">` + "\n")
	x.WriteString("  <UnstructuredGrid>\n")
	fmt.Fprintf(&x, "    <Piece NumberOfPoints=\"%d\" NumberOfCells=\"%d\">\n", n, n)
	da := func(typ, name string, comps, k int) {
		nameAttr := ""
		if name != "" {
			nameAttr = ` Name="` + escape(name) + `"`
		}
		compAttr := ""
		if comps > 1 {
			compAttr = fmt.Sprintf(` NumberOfComponents="%d"`, comps)
		}
		fmt.Fprintf(&x, "        <DataArray type=\"%s\"%s%s format=\"appended\" offset=\"%d\"/>\n", typ, nameAttr, compAttr, offsets[k])
	}
	if len(data) > 0 {
		x.WriteString("      <PointData>\n")
		for i, a := range data {
			da("Float64", a.Name, 1, 4+i)
		}
		x.WriteString("      </PointData>\n")
	}
	x.WriteString("      <Points>\n")
	da("Float64", "Points", 3, 0)
	x.WriteString("      </Points>\n      <Cells>\n")
	da("Int64", "connectivity", 1, 1)
	da("Int64", "offsets", 1, 2)
	da("UInt8", "types", 1, 3)
	x.WriteString("      </Cells>\n    </Piece>\n  </UnstructuredGrid>\n")
	x.WriteString("  <AppendedData encoding=\"raw\">\n   _")
	x.Write(blk.Bytes())
	x.WriteString("\n  </AppendedData>\n</VTKFile>\n")
	return runio.WriteFileAtomic(path, x.Bytes())
}

// WriteVTI writes path (atomically) as VTK image data: dims[0] × dims[1] ×
// dims[2] points at origin + (i, j, k) ∘ spacing, each array holding one
// value per point with i varying fastest, then j, then k (use 1 for an
// unused dimension).
func WriteVTI(path string, origin, spacing [3]float64, dims [3]int, data []Array) error {
	n := 1
	for _, d := range dims {
		if d < 1 {
			return fmt.Errorf("vtk %s: grid dimensions %v", path, dims)
		}
		n *= d
	}
	for _, a := range data {
		if len(a.Values) != n {
			return fmt.Errorf("vtk %s: array %q has %d values for %d grid points", path, a.Name, len(a.Values), n)
		}
	}
	for k := range 3 {
		if math.IsNaN(origin[k]) || math.IsInf(origin[k], 0) || !(spacing[k] > 0) || math.IsInf(spacing[k], 0) {
			return fmt.Errorf("vtk %s: origin %v, spacing %v", path, origin, spacing)
		}
	}
	var blk bytes.Buffer
	offsets := make([]int, len(data))
	for i, a := range data {
		offsets[i] = blk.Len()
		binary.Write(&blk, binary.LittleEndian, uint64(8*n))
		binary.Write(&blk, binary.LittleEndian, a.Values)
	}
	extent := fmt.Sprintf("0 %d 0 %d 0 %d", dims[0]-1, dims[1]-1, dims[2]-1)
	var x bytes.Buffer
	x.WriteString(xml.Header)
	x.WriteString(`<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">` + "\n")
	fmt.Fprintf(&x, "  <ImageData WholeExtent=\"%s\" Origin=\"%s %s %s\" Spacing=\"%s %s %s\">\n", extent,
		fmtFloat(origin[0]), fmtFloat(origin[1]), fmtFloat(origin[2]), fmtFloat(spacing[0]), fmtFloat(spacing[1]), fmtFloat(spacing[2]))
	fmt.Fprintf(&x, "    <Piece Extent=\"%s\">\n      <PointData>\n", extent)
	for i, a := range data {
		fmt.Fprintf(&x, "        <DataArray type=\"Float64\" Name=\"%s\" format=\"appended\" offset=\"%d\"/>\n", escape(a.Name), offsets[i])
	}
	x.WriteString("      </PointData>\n    </Piece>\n  </ImageData>\n")
	x.WriteString("  <AppendedData encoding=\"raw\">\n   _")
	x.Write(blk.Bytes())
	x.WriteString("\n  </AppendedData>\n</VTKFile>\n")
	return runio.WriteFileAtomic(path, x.Bytes())
}

// Slice is one file of a time collection.
type Slice struct {
	Time float64
	File string // relative to the .pvd
}

// WritePVD writes a ParaView collection listing the slices by time.
func WritePVD(path string, slices []Slice) error {
	var x bytes.Buffer
	x.WriteString(xml.Header)
	x.WriteString(`<VTKFile type="Collection" version="1.0" byte_order="LittleEndian">` + "\n  <Collection>\n")
	for _, s := range slices {
		if math.IsNaN(s.Time) || math.IsInf(s.Time, 0) {
			return fmt.Errorf("vtk %s: time %v", path, s.Time)
		}
		fmt.Fprintf(&x, "    <DataSet timestep=\"%s\" part=\"0\" file=\"%s\"/>\n", fmtFloat(s.Time), escape(s.File))
	}
	x.WriteString("  </Collection>\n</VTKFile>\n")
	return runio.WriteFileAtomic(path, x.Bytes())
}

func fmtFloat(v float64) string { return fmt.Sprintf("%.17g", v) }

func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
