// golden.mjs: face descriptors computed by face-api itself, for
// golden_test.go. Usage:
//   node golden.mjs FACE_API_ESM MODEL_DIR CROP.rgb...
// Each CROP.rgb is 150×150×3 raw RGB bytes; the answer on standard output
// is a JSON array of 128-number descriptors, one per crop, in order.
// face-api's ESM bundle carries TensorFlow.js; its Node platform needs
// Node's util module, which the browser bundle stubs out, so the bundle is
// loaded as if outside Node and given a small platform of our own. The
// cpu backend runs the same kernels as in a browser without WebGL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [esm, modelDir, ...crops] = process.argv.slice(2);
const versions = process.versions;
Object.defineProperty(process, 'versions', { value: {}, configurable: true, writable: true });
let faceapi;
try {
  faceapi = await import(esm);
} finally {
  Object.defineProperty(process, 'versions', { value: versions, configurable: true, writable: true });
}
const { tf } = faceapi;
tf.env().setPlatform('payterm-golden', {
  fetch: () => { throw new Error('golden.mjs: no network'); },
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, enc) => new TextDecoder(enc).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
});
// face-api's own environment: only the classes its input checks test
// against; no canvas is used, the input is a tensor.
class None {}
faceapi.env.setEnv({
  Canvas: None, CanvasRenderingContext2D: None, Image: None, ImageData: None, Video: None,
  createCanvasElement: () => { throw new Error('golden.mjs: no canvas'); },
  createImageElement: () => { throw new Error('golden.mjs: no image element'); },
  createVideoElement: () => { throw new Error('golden.mjs: no video element'); },
  fetch: () => { throw new Error('golden.mjs: no network'); },
  readFile: () => { throw new Error('golden.mjs: no files'); },
});
await tf.setBackend('cpu');
await tf.ready();

const manifest = JSON.parse(readFileSync(join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
const net = faceapi.nets.faceRecognitionNet;
const weightMap = {};
for (const group of manifest) {
  const bufs = group.paths.map((p) => readFileSync(join(modelDir, p)));
  const all = Buffer.concat(bufs);
  const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  Object.assign(weightMap, tf.io.decodeWeights(ab, group.weights));
}
net.loadFromWeightMap(weightMap);

const out = [];
for (const path of crops) {
  const px = readFileSync(path);
  if (px.length !== 150 * 150 * 3) throw new Error(`${path}: ${px.length} bytes, want ${150 * 150 * 3}`);
  const input = tf.tensor3d(Int32Array.from(px), [150, 150, 3], 'int32');
  const d = await net.computeFaceDescriptor(input);
  input.dispose();
  out.push(Array.from(d));
}
process.stdout.write(JSON.stringify(out));
