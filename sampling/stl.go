package sampling

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
)

// MaxSTLBytes bounds the size of an STL file LoadSTL reads: 32 MiB is about
// 670,000 triangles in binary STL, far more than sampling points on a part's
// surface needs (decimate a finer CAD export first). It keeps an endless
// stream or a mistaken multi-gigabyte file from exhausting memory.
const MaxSTLBytes = 32 << 20

// Triangle is one facet of a surface mesh: three vertices, in the order the
// file gives them.
type Triangle [3][3]float64

// LoadSTL reads the ASCII or binary STL file at path (at most MaxSTLBytes).
// Errors name the file and, for ASCII files, the line.
func LoadSTL(path string) ([]Triangle, error) {
	tris, _, err := LoadSTLSolids(path)
	return tris, err
}

// LoadSTLSolids is LoadSTL that also returns, per triangle, the name of the
// ASCII solid it belongs to ("" in binary files); see ParseSTLSolids.
func LoadSTLSolids(path string) ([]Triangle, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSTLBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(data) > MaxSTLBytes {
		return nil, nil, fmt.Errorf("%s: larger than the %d MiB an STL file may hold (MaxSTLBytes); decimate the mesh", path, MaxSTLBytes>>20)
	}
	tris, solids, err := ParseSTLSolids(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return tris, solids, nil
}

// ParseSTL decodes an STL file held in memory. A file is binary when its
// length is exactly 84 + 50 n bytes for the triangle count n in bytes 80–83
// (many exporters start binary files with "solid" too, so the first word
// alone cannot tell); otherwise it must be ASCII, starting with "solid". The
// facet normals a file gives are ignored: Mesh takes its normals from the
// vertex order and the enclosed volume. Every coordinate must be finite.
func ParseSTL(data []byte) ([]Triangle, error) {
	tris, _, err := ParseSTLSolids(data)
	return tris, err
}

// ParseSTLSolids is ParseSTL that also returns, per triangle, the name of
// the solid ("solid NAME" … "endsolid") it belongs to in an ASCII file
// with several solids — how CAD tools export the faces of a part as named
// surfaces. Binary files have no names ("" for every triangle).
func ParseSTLSolids(data []byte) ([]Triangle, []string, error) {
	if len(data) >= 84 {
		n := binary.LittleEndian.Uint32(data[80:84])
		if uint64(len(data)) == 84+50*uint64(n) {
			tris, err := parseBinarySTL(data[84:], int(n))
			if err != nil {
				return nil, nil, err
			}
			return tris, make([]string, len(tris)), nil
		}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if !bytes.HasPrefix(trimmed, []byte("solid")) {
		if len(data) >= 84 {
			n := binary.LittleEndian.Uint32(data[80:84])
			return nil, nil, fmt.Errorf("not ASCII STL (no \"solid\") and not binary STL: the header gives %d triangles, which is %d bytes, but the file has %d (truncated?)", n, 84+50*uint64(n), len(data))
		}
		return nil, nil, fmt.Errorf("not an STL file: %d bytes, too short for binary STL and not starting with \"solid\"", len(data))
	}
	return parseASCIISTL(data)
}

func parseBinarySTL(body []byte, n int) ([]Triangle, error) {
	if n == 0 {
		return nil, fmt.Errorf("binary STL with 0 triangles")
	}
	tris := make([]Triangle, n)
	for i := range tris {
		rec := body[50*i : 50*i+50]
		for v := range 3 {
			for k := range 3 {
				off := 12 + 12*v + 4*k // after the 12-byte normal
				x := float64(math.Float32frombits(binary.LittleEndian.Uint32(rec[off:])))
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("triangle %d, vertex %d: coordinate %g is not finite", i, v+1, x)
				}
				tris[i][v][k] = x
			}
		}
	}
	return tris, nil
}

// parseASCIISTL reads "solid … facet normal … outer loop vertex ×3 endloop
// endfacet … endsolid", one or more solids, keywords case-insensitive.
func parseASCIISTL(data []byte) ([]Triangle, []string, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var tris []Triangle
	var solids []string
	solid := ""
	var cur Triangle
	nv := -1 // vertices read in the current loop; -1 outside a loop
	line := 0
	inSolid, inFacet := false, false
	fail := func(format string, a ...any) error {
		return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, a...))
	}
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch kw := strings.ToLower(f[0]); kw {
		case "solid":
			if inSolid {
				return nil, nil, fail("\"solid\" inside a solid (missing \"endsolid\")")
			}
			inSolid = true
			solid = strings.Join(f[1:], " ")
		case "endsolid":
			if !inSolid || inFacet {
				return nil, nil, fail("unexpected \"endsolid\"")
			}
			inSolid = false
		case "facet":
			if !inSolid || inFacet {
				return nil, nil, fail("unexpected \"facet\"")
			}
			inFacet = true
		case "outer":
			if !inFacet || nv >= 0 || len(f) != 2 || strings.ToLower(f[1]) != "loop" {
				return nil, nil, fail("want \"outer loop\" after \"facet normal\"")
			}
			nv = 0
		case "vertex":
			if nv < 0 {
				return nil, nil, fail("\"vertex\" outside \"outer loop\"")
			}
			if nv == 3 {
				return nil, nil, fail("more than 3 vertices in a facet (only triangles are STL)")
			}
			if len(f) != 4 {
				return nil, nil, fail("want \"vertex x y z\"")
			}
			for k := range 3 {
				x, err := strconv.ParseFloat(f[k+1], 64)
				if err != nil {
					return nil, nil, fail("vertex coordinate %q is not a number", f[k+1])
				}
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, nil, fail("vertex coordinate %s is not finite", f[k+1])
				}
				cur[nv][k] = x
			}
			nv++
		case "endloop":
			if nv != 3 {
				return nil, nil, fail("a facet needs 3 vertices, has %d", max(nv, 0))
			}
			nv = -2 // loop closed, waiting for endfacet
		case "endfacet":
			if nv != -2 {
				return nil, nil, fail("unexpected \"endfacet\"")
			}
			tris = append(tris, cur)
			solids = append(solids, solid)
			inFacet, nv = false, -1
		default:
			return nil, nil, fail("unknown keyword %q", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	if inSolid {
		return nil, nil, fmt.Errorf("line %d: file ends inside a solid (missing \"endsolid\"; truncated?)", line)
	}
	if len(tris) == 0 {
		return nil, nil, fmt.Errorf("ASCII STL with 0 triangles")
	}
	return tris, solids, nil
}

// WriteSTL writes triangles as binary STL (the facet normals from the vertex
// order, float32 coordinates), for generated geometry and tests.
func WriteSTL(w io.Writer, tris []Triangle) error {
	var hdr [84]byte
	copy(hdr[:], "binary STL written by gopinn")
	binary.LittleEndian.PutUint32(hdr[80:], uint32(len(tris)))
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(hdr[:]); err != nil {
		return err
	}
	var rec [50]byte
	for _, t := range tris {
		n := unitNormal(t)
		put := func(off int, v [3]float64) {
			for k := range 3 {
				binary.LittleEndian.PutUint32(rec[off+4*k:], math.Float32bits(float32(v[k])))
			}
		}
		put(0, n)
		for v := range 3 {
			put(12+12*v, t[v])
		}
		if _, err := bw.Write(rec[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteASCIISTL writes triangles as ASCII STL, every coordinate exact
// (%.17g): consecutive triangles of one solids[i] name form one named
// solid (nil solids: one solid "gopinn"), the named surfaces
// ParseSTLSolids and NewMeshSolids read back.
func WriteASCIISTL(w io.Writer, tris []Triangle, solids []string) error {
	if solids != nil && len(solids) != len(tris) {
		return fmt.Errorf("sampling: WriteASCIISTL: %d names for %d triangles", len(solids), len(tris))
	}
	bw := bufio.NewWriter(w)
	open := false
	cur := ""
	for i, t := range tris {
		name := "gopinn"
		if solids != nil {
			name = solids[i]
		}
		if !open || name != cur {
			if open {
				fmt.Fprintf(bw, "endsolid %s\n", cur)
			}
			fmt.Fprintf(bw, "solid %s\n", name)
			open, cur = true, name
		}
		n := unitNormal(t)
		fmt.Fprintf(bw, "  facet normal %g %g %g\n    outer loop\n", n[0], n[1], n[2])
		for _, v := range t {
			fmt.Fprintf(bw, "      vertex %.17g %.17g %.17g\n", v[0], v[1], v[2])
		}
		bw.WriteString("    endloop\n  endfacet\n")
	}
	if open {
		fmt.Fprintf(bw, "endsolid %s\n", cur)
	}
	return bw.Flush()
}

// unitNormal is the unit normal of t by the right-hand rule (zero for a
// degenerate triangle).
func unitNormal(t Triangle) [3]float64 {
	n := cross3(sub3(t[1], t[0]), sub3(t[2], t[0]))
	l := math.Sqrt(dot3(n, n))
	if l == 0 {
		return [3]float64{}
	}
	return [3]float64{n[0] / l, n[1] / l, n[2] / l}
}

// triangleArea is the area of t.
func triangleArea(t Triangle) float64 {
	n := cross3(sub3(t[1], t[0]), sub3(t[2], t[0]))
	return math.Sqrt(dot3(n, n)) / 2
}

func sub3(a, b [3]float64) [3]float64 { return [3]float64{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func dot3(a, b [3]float64) float64    { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func cross3(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}
