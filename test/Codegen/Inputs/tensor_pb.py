"""Writes and prints float32 onnx.TensorProto files without onnx or numpy.

  tensor_pb.py write FILE.pb D0xD1... V0 V1 ...   raw_data, data_type FLOAT
  tensor_pb.py print FILE.pb                      "[d0, d1] v0 v1 ..." (%.5g)

Just enough of the protobuf wire format for the files aic-run reads and
writes: dims (field 1, packed or not), data_type (2), float_data (4) and
raw_data (9); other fields are skipped.
"""
import struct
import sys


def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, pos):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def write(path, shape, values):
    dims = [int(d) for d in shape.split("x")] if shape else []
    floats = [float(v) for v in values]
    count = 1
    for d in dims:
        count *= d
    if count != len(floats):
        sys.exit("error: %d values for shape %s" % (len(floats), shape))
    msg = bytearray()
    for d in dims:
        msg += varint(1 << 3 | 0) + varint(d)
    msg += varint(2 << 3 | 0) + varint(1)  # FLOAT
    raw = struct.pack("<%df" % len(floats), *floats)
    msg += varint(9 << 3 | 2) + varint(len(raw)) + raw
    with open(path, "wb") as f:
        f.write(msg)


def read(path):
    data = open(path, "rb").read()
    pos, dims, dtype, floats = 0, [], None, []
    while pos < len(data):
        key, pos = read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
            if field == 1:
                dims.append(value)
            elif field == 2:
                dtype = value
        elif wire == 2:
            length, pos = read_varint(data, pos)
            chunk = data[pos:pos + length]
            pos += length
            if field == 1:
                at = 0
                while at < len(chunk):
                    value, at = read_varint(chunk, at)
                    dims.append(value)
            elif field in (4, 9):
                floats += struct.unpack("<%df" % (len(chunk) // 4), chunk)
        elif wire == 5:
            if field == 4:
                floats += struct.unpack("<f", data[pos:pos + 4])
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            sys.exit("error: %s: unsupported wire type %d" % (path, wire))
    if dtype != 1:
        sys.exit("error: %s: data_type %s is not FLOAT" % (path, dtype))
    return dims, floats


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "print":
        dims, floats = read(sys.argv[2])
        print("[%s] %s" % (", ".join(map(str, dims)),
                           " ".join("%.5g" % v for v in floats)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
