/* Hashing on the device: PDQ, MD5 and SHA-256 of a picture, computed in this browser.
 *
 * Written for COPNet from the published algorithms (no third-party code):
 * - PDQ (Meta, "The TMK+PDQF and PDQ hashing algorithms", 2017): luminance
 *   Y = 0.299 R + 0.587 G + 0.114 B; a Jarosz filter (two passes of 1-D box filters along rows
 *   then columns, window ceil(dimension / 128)); decimation to 64 x 64 at the centres of the
 *   cells; the 2-D DCT keeping coefficients 1..16 in each direction (16 x 64 matrix
 *   sqrt(2/64) cos(pi/128 (i+1)(2j+1))); a bit per coefficient, set when above the median.
 *   Bit k = 16 i + j is written as in the reference hex form: the first hex digit holds bits
 *   255..252.
 * - MD5 (RFC 1321) in plain JavaScript; SHA-256 by the browser's Web Crypto.
 * The picture is decoded by the browser (createImageBitmap, no colour-space conversion; the
 * EXIF turn the browser applies is undone, as Pillow does not apply it) and never leaves the
 * device.
 */
(function (global) {
  "use strict";

  // ---------------------------------------------------------------- PDQ
  var LUMA_R = 0.299, LUMA_G = 0.587, LUMA_B = 0.114;
  var MIN_SIDE = 5;

  function windowSize(oldDim, newDim) {
    return Math.floor((oldDim + 2 * newDim - 1) / (2 * newDim));
  }

  // One running-mean pass over `length` values of `src` (from `start`, every `stride`) into
  // `dst`: the window is centred, and shrinks at both ends (it never reads outside the row).
  function boxPass(src, dst, start, length, stride, win) {
    var half = Math.floor((win + 2) / 2);
    var lead = half - 1;             // values summed before the first output
    var grow = win - half + 1;       // outputs while the window is still growing
    var steady = length - win;       // outputs with a full window
    var tail = half - 1;             // outputs while the window shrinks
    var sum = 0, count = 0, left = start, right = start, out = start, n;
    for (n = 0; n < lead; n++) { sum += src[right]; count++; right += stride; }
    for (n = 0; n < grow; n++) {
      sum += src[right]; count++; dst[out] = sum / count; right += stride; out += stride;
    }
    for (n = 0; n < steady; n++) {
      sum += src[right] - src[left]; dst[out] = sum / count;
      left += stride; right += stride; out += stride;
    }
    for (n = 0; n < tail; n++) {
      sum -= src[left]; count--; dst[out] = sum / count; left += stride; out += stride;
    }
  }

  function jarosz(a, b, rows, cols, winAlongRows, winAlongCols) {
    var pass, r, c;
    for (pass = 0; pass < 2; pass++) {
      for (r = 0; r < rows; r++) boxPass(a, b, r * cols, cols, 1, winAlongRows);
      for (c = 0; c < cols; c++) boxPass(b, a, c, rows, cols, winAlongCols);
    }
  }

  var DCT = (function () {
    var m = new Float32Array(16 * 64), scale = Math.fround(Math.sqrt(2 / 64)), i, j;
    for (i = 0; i < 16; i++) {
      for (j = 0; j < 64; j++) m[i * 64 + j] = scale * Math.cos((Math.PI / 128) * (i + 1) * (2 * j + 1));
    }
    return m;
  })();

  function hexDigit(v) { return "0123456789abcdef".charAt(v); }

  /* PDQ of RGBA pixels (Uint8ClampedArray, as canvas ImageData): {hash, quality}. */
  function pdqFromRgba(rgba, width, height) {
    if (width < MIN_SIDE || height < MIN_SIDE) {
      return { hash: new Array(65).join("0"), quality: 0 };
    }
    var size = width * height, luma = new Float32Array(size), tmp, p, q, i, j, k;
    for (p = 0, q = 0; p < size; p++, q += 4) {
      luma[p] = LUMA_R * rgba[q] + LUMA_G * rgba[q + 1] + LUMA_B * rgba[q + 2];
    }
    if (width !== 64 || height !== 64) {
      tmp = new Float32Array(size);
      jarosz(luma, tmp, height, width, windowSize(width, 64), windowSize(height, 64));
      tmp = null;
    }
    var small = new Float32Array(64 * 64);
    for (i = 0; i < 64; i++) {
      var row = Math.floor(((i + 0.5) * height) / 64);
      for (j = 0; j < 64; j++) {
        small[i * 64 + j] = luma[row * width + Math.floor(((j + 0.5) * width) / 64)];
      }
    }
    // Quality: the count of significant gradients in the 64 x 64 picture, capped at 100.
    var gradients = 0;
    for (i = 0; i < 63; i++) {
      for (j = 0; j < 64; j++) gradients += Math.abs(Math.trunc(((small[i * 64 + j] - small[(i + 1) * 64 + j]) * 100) / 255));
    }
    for (i = 0; i < 64; i++) {
      for (j = 0; j < 63; j++) gradients += Math.abs(Math.trunc(((small[i * 64 + j] - small[i * 64 + j + 1]) * 100) / 255));
    }
    var quality = Math.min(100, Math.floor(gradients / 90));
    // B = D A D^T, through T = D A (16 x 64).
    // Single-precision arithmetic (Math.fround), as the reference: near-equal coefficients of
    // flat pictures then fall on the same side of the median.
    var f32 = Math.fround, t = new Float32Array(16 * 64), coeffs = new Float32Array(256), s;
    for (i = 0; i < 16; i++) {
      for (j = 0; j < 64; j++) {
        for (s = 0, k = 0; k < 64; k++) s = f32(s + f32(DCT[i * 64 + k] * small[k * 64 + j]));
        t[i * 64 + j] = s;
      }
    }
    for (i = 0; i < 16; i++) {
      for (j = 0; j < 16; j++) {
        for (s = 0, k = 0; k < 64; k++) s = f32(s + f32(t[i * 64 + k] * DCT[j * 64 + k]));
        coeffs[i * 16 + j] = s;
      }
    }
    var sorted = Array.prototype.slice.call(coeffs).sort(function (x, y) { return x - y; });
    var median = sorted[127];  // the lower median of 256 values
    var hex = "";
    for (var nibble = 63; nibble >= 0; nibble--) {
      var v = 0;
      for (var bit = 3; bit >= 0; bit--) {
        v = (v << 1) | (coeffs[nibble * 4 + bit] > median ? 1 : 0);
      }
      hex += hexDigit(v);
    }
    return { hash: hex, quality: quality };
  }

  // ---------------------------------------------------------------- MD5 (RFC 1321)
  var MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  var MD5_K = (function () {
    var k = new Int32Array(64);
    for (var i = 0; i < 64; i++) k[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
    return k;
  })();

  function md5(bytes) {
    var length = bytes.length, padded = (((length + 8) >>> 6) + 1) << 6;
    var buf = new Uint8Array(padded), words = new Int32Array(16), i, j;
    buf.set(bytes);
    buf[length] = 0x80;
    var bitsLow = (length << 3) >>> 0, bitsHigh = Math.floor(length / 536870912) >>> 0;
    for (i = 0; i < 4; i++) {
      buf[padded - 8 + i] = (bitsLow >>> (8 * i)) & 0xff;
      buf[padded - 4 + i] = (bitsHigh >>> (8 * i)) & 0xff;
    }
    var a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
    for (var block = 0; block < padded; block += 64) {
      for (i = 0; i < 16; i++) {
        j = block + 4 * i;
        words[i] = buf[j] | (buf[j + 1] << 8) | (buf[j + 2] << 16) | (buf[j + 3] << 24);
      }
      var a = a0, b = b0, c = c0, d = d0, f, g;
      for (i = 0; i < 64; i++) {
        var round = i >> 4;
        if (round === 0) { f = (b & c) | (~b & d); g = i; }
        else if (round === 1) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
        else if (round === 2) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * i) & 15; }
        var shift = MD5_S[(round << 2) | (i & 3)];
        var sum = (a + f + MD5_K[i] + words[g]) | 0;
        a = d; d = c; c = b;
        b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
      }
      a0 = (a0 + a) | 0; b0 = (b0 + b) | 0; c0 = (c0 + c) | 0; d0 = (d0 + d) | 0;
    }
    var out = "";
    [a0, b0, c0, d0].forEach(function (w) {
      for (var n = 0; n < 4; n++) {
        var byte = (w >>> (8 * n)) & 0xff;
        out += hexDigit(byte >> 4) + hexDigit(byte & 15);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- a file

  function toHex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += hexDigit(bytes[i] >> 4) + hexDigit(bytes[i] & 15);
    return out;
  }

  // ---------------------------------------------------------------- EXIF orientation
  // Browsers draw a picture turned as its EXIF orientation says; Pillow (and so pdqhash, the
  // evidence vault and platforms hashing with them) reads the stored pixels. The tag is read
  // here (JPEG APP1, PNG eXIf, WebP EXIF) and the turn undone, so both hash the same pixels.

  function tiffOrientation(view, start, end) {
    if (start + 8 > end) return 1;
    var order = view.getUint16(start);
    if (order !== 0x4949 && order !== 0x4d4d) return 1;
    var little = order === 0x4949;
    var ifd = start + view.getUint32(start + 4, little);
    if (ifd + 2 > end) return 1;
    var count = view.getUint16(ifd, little);
    for (var n = 0; n < count; n++) {
      var entry = ifd + 2 + 12 * n;
      if (entry + 12 > end) return 1;
      if (view.getUint16(entry, little) === 0x0112) {
        var value = view.getUint16(entry + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  function exifOrientation(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var length = bytes.length, pos, size;
    try {
      if (length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {  // JPEG
        pos = 2;
        while (pos + 4 <= length && bytes[pos] === 0xff) {
          var marker = bytes[pos + 1];
          if (marker === 0xda || marker === 0xd9) break;  // pixel data: no more headers
          size = view.getUint16(pos + 2);
          if (marker === 0xe1 && view.getUint32(pos + 4) === 0x45786966) {  // "Exif"
            return tiffOrientation(view, pos + 10, Math.min(length, pos + 2 + size));
          }
          pos += 2 + size;
        }
      } else if (length > 8 && view.getUint32(0) === 0x89504e47) {  // PNG
        pos = 8;
        while (pos + 8 <= length) {
          size = view.getUint32(pos);
          var type = view.getUint32(pos + 4);
          if (type === 0x65584966) return tiffOrientation(view, pos + 8, Math.min(length, pos + 8 + size));  // eXIf
          if (type === 0x49444154 || type === 0x49454e44) break;  // IDAT, IEND
          pos += 12 + size;
        }
      } else if (length > 12 && view.getUint32(0) === 0x52494646 && view.getUint32(8) === 0x57454250) {  // WebP
        pos = 12;
        while (pos + 8 <= length) {
          size = view.getUint32(pos + 4, true);
          if (view.getUint32(pos) === 0x45584946) {  // "EXIF"
            var at = pos + 8;
            if (view.getUint32(at) === 0x45786966) at += 6;  // an "Exif\0\0" prefix
            return tiffOrientation(view, at, Math.min(length, pos + 8 + size));
          }
          pos += 8 + size + (size & 1);
        }
      }
    } catch (err) {
      return 1;  // a header cut short: take the pixels as drawn
    }
    return 1;
  }

  // The stored pixels (width x height) of a picture drawn turned by `orientation`.
  function unturn(drawn, dw, dh, orientation) {
    var swap = orientation >= 5, w = swap ? dh : dw, h = swap ? dw : dh;
    var out = new Uint8ClampedArray(w * h * 4), x, y, sx, sy, from, to;
    for (y = 0; y < h; y++) {
      for (x = 0; x < w; x++) {
        switch (orientation) {
          case 2: sx = w - 1 - x; sy = y; break;
          case 3: sx = w - 1 - x; sy = h - 1 - y; break;
          case 4: sx = x; sy = h - 1 - y; break;
          case 5: sx = y; sy = x; break;
          case 6: sx = h - 1 - y; sy = x; break;
          case 7: sx = h - 1 - y; sy = w - 1 - x; break;
          case 8: sx = y; sy = w - 1 - x; break;
          default: sx = x; sy = y;
        }
        from = (sy * dw + sx) * 4;
        to = (y * w + x) * 4;
        out[to] = drawn[from]; out[to + 1] = drawn[from + 1]; out[to + 2] = drawn[from + 2]; out[to + 3] = drawn[from + 3];
      }
    }
    return { data: out, width: w, height: h };
  }

  async function decodeRgba(blob, bytes) {
    var bitmap = await createImageBitmap(blob, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
      imageOrientation: "from-image"
    });
    var width = bitmap.width, height = bitmap.height, canvas, ctx;
    if (typeof OffscreenCanvas !== "undefined") {
      canvas = new OffscreenCanvas(width, height);
    } else {
      canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
    }
    ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    if (bitmap.close) bitmap.close();
    var drawn = ctx.getImageData(0, 0, width, height).data;
    var orientation = exifOrientation(bytes);
    if (orientation > 1) return unturn(drawn, width, height, orientation);
    return { data: drawn, width: width, height: height };
  }

  /* The three hashes of one picture file (a File or Blob). */
  async function hashFile(blob) {
    var buffer = await blob.arrayBuffer();
    var bytes = new Uint8Array(buffer);
    var sha = toHex(await crypto.subtle.digest("SHA-256", buffer));
    var image = await decodeRgba(blob, bytes);
    var pdq = pdqFromRgba(image.data, image.width, image.height);
    return {
      md5: md5(bytes),
      sha256: sha,
      pdq: pdq.hash,
      quality: pdq.quality,
      width: image.width,
      height: image.height
    };
  }

  global.DeviceHash = {
    hashFile: hashFile, md5: md5, pdqFromRgba: pdqFromRgba, exifOrientation: exifOrientation
  };
})(typeof window !== "undefined" ? window : globalThis);
