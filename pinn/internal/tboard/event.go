package tboard

import (
	"fmt"
	"math"
	"sort"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers from tensorflow/core/util/event.proto and
// tensorflow/core/framework/summary.proto.
const (
	eventWallTime    protowire.Number = 1 // double
	eventStep        protowire.Number = 2 // int64
	eventFileVersion protowire.Number = 3 // string
	eventSummary     protowire.Number = 5 // Summary

	summaryValue protowire.Number = 1 // repeated Value

	valueTag         protowire.Number = 1 // string
	valueSimpleValue protowire.Number = 2 // float, in the "value" oneof
)

// fileVersion is what TensorBoard expects in the first event of a file.
const fileVersion = "brain.Event:2"

// appendEventHead appends wall_time and step. Zero scalars are left out as
// proto3 does; a reader sees the same defaults either way.
func appendEventHead(b []byte, wallTime float64, step int64) []byte {
	if bits := math.Float64bits(wallTime); bits != 0 {
		b = protowire.AppendTag(b, eventWallTime, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, bits)
	}
	if step != 0 {
		b = protowire.AppendTag(b, eventStep, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(step))
	}
	return b
}

func encodeFileVersionEvent(wallTime float64) []byte {
	b := appendEventHead(nil, wallTime, 0)
	b = protowire.AppendTag(b, eventFileVersion, protowire.BytesType)
	return protowire.AppendString(b, fileVersion)
}

// encodeScalarsEvent encodes one Event with one Value per tag, sorted so
// the bytes do not depend on map order.
func encodeScalarsEvent(wallTime float64, step int64, values map[string]float64) []byte {
	tags := make([]string, 0, len(values))
	for t := range values {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	var summary, value []byte
	for _, t := range tags {
		value = protowire.AppendTag(value[:0], valueTag, protowire.BytesType)
		value = protowire.AppendString(value, t)
		// simple_value sits in a oneof, so it is written even when 0:
		// a Value without it would carry no scalar at all.
		value = protowire.AppendTag(value, valueSimpleValue, protowire.Fixed32Type)
		value = protowire.AppendFixed32(value, math.Float32bits(float32(values[t])))
		summary = protowire.AppendTag(summary, summaryValue, protowire.BytesType)
		summary = protowire.AppendBytes(summary, value)
	}
	b := appendEventHead(nil, wallTime, step)
	b = protowire.AppendTag(b, eventSummary, protowire.BytesType)
	return protowire.AppendBytes(b, summary)
}

// decodeEvent decodes the fields of an Event this package knows and skips
// the rest (graphs, images, ... written by other tools), as protobuf
// parsers do.
func decodeEvent(b []byte) (Event, error) {
	var ev Event
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return ev, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == eventWallTime && typ == protowire.Fixed64Type:
			var v uint64
			v, n = protowire.ConsumeFixed64(b)
			ev.WallTime = math.Float64frombits(v)
		case num == eventStep && typ == protowire.VarintType:
			var v uint64
			v, n = protowire.ConsumeVarint(b)
			ev.Step = int64(v)
		case num == eventFileVersion && typ == protowire.BytesType:
			ev.FileVersion, n = protowire.ConsumeString(b)
		case num == eventSummary && typ == protowire.BytesType:
			var s []byte
			if s, n = protowire.ConsumeBytes(b); n >= 0 {
				if ev.Values == nil {
					ev.Values = map[string]float32{}
				}
				if err := decodeSummary(s, ev.Values); err != nil {
					return ev, fmt.Errorf("summary: %w", err)
				}
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return ev, fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
	}
	return ev, nil
}

// decodeSummary adds the simple_value of each Value in b to out; Values
// of other kinds (histograms, tensors) are not scalars and are skipped.
func decodeSummary(b []byte, out map[string]float32) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if num != summaryValue || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		tag, val, ok, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("value: %w", err)
		}
		if ok {
			out[tag] = val
		}
	}
	return nil
}

func decodeValue(b []byte) (tag string, val float32, ok bool, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", 0, false, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == valueTag && typ == protowire.BytesType:
			tag, n = protowire.ConsumeString(b)
		case num == valueSimpleValue && typ == protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			val, ok = math.Float32frombits(v), true
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return "", 0, false, protowire.ParseError(n)
		}
		b = b[n:]
	}
	return tag, val, ok, nil
}
