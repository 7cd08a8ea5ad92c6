// Small ONNX files for tests, written by hand from onnx.proto (protobuf wire format): a ModelProto
// whose graph holds float initializers. Enough to test the reader on shapes no exporter would give,
// such as thousands of initializers of one name.

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** A length-delimited field (wire type 2). */
function bytesField(no: number, body: Uint8Array | number[]): number[] {
  return [...varint((no << 3) | 2), ...varint(body.length), ...body];
}

function varintField(no: number, v: number): number[] {
  return [...varint(no << 3), ...varint(v)];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** A model of ir_version 8, opset 17, whose main graph holds the initializers as FLOAT raw_data. */
export function onnxWithInitializers(inits: readonly OnnxInitializer[]): Uint8Array {
  const text = new TextEncoder();
  const graph: number[] = bytesField(2, [...text.encode('main')]);
  for (const t of inits) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const tensor = [
      ...t.dims.flatMap((d) => varintField(1, d)),
      ...varintField(2, 1), // data_type FLOAT
      ...bytesField(8, [...text.encode(t.name)]),
      ...bytesField(9, raw),
    ];
    graph.push(...bytesField(5, tensor));
  }
  const model = [
    ...varintField(1, 8),
    ...bytesField(7, graph),
    ...bytesField(8, varintField(2, 17)),
  ];
  return Uint8Array.from(model);
}

/** `count` initializers all named `name` (exporters never do this; a damaged file may). */
export function onnxOfOneName(count: number, name = 'w'): Uint8Array {
  const inits: OnnxInitializer[] = [];
  for (let i = 0; i < count; i++) {
    inits.push({ name, dims: [2], data: Float32Array.of(i, -i) });
  }
  return onnxWithInitializers(inits);
}
