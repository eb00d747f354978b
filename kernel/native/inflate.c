/*
 * ai4eo_inflate: zlib-wrapped DEFLATE (TIFF compression 8 / 32946) inflated by libdeflate, the
 * library GDAL's libtiff uses, straight into a caller's Uint8Array. A Node-API addon, built by
 * scripts/build-native.mjs against Debian's libdeflate-dev and loaded by
 * kernel/src/eo/raster/libdeflate.ts; readers fall back to Node's zlib when it is missing.
 *
 * JavaScript API (both return or pass the number of bytes written, or -1 when libdeflate did not
 * inflate the whole stream into `out`: corrupt or truncated data, or a stream longer than `out`.
 * The caller then inflates with zlib, which reports the error or keeps what a truncated stream
 * holds, as before):
 *   inflate(input: Uint8Array, out: Uint8Array[, bytesPer, rowSamples, rows, spp]): number   on the calling thread
 *   inflateAsync(input, out, done: (n: number) => void[, bytesPer, rowSamples, rows, spp]): void   on libuv's thread pool
 * With the four predictor numbers, a stream that fills `out` with exactly rows × rowSamples samples
 * of bytesPer (1, 2 or 4) bytes also has TIFF's horizontal predictor (2) undone, on the same
 * thread: each sample plus the one spp samples before it in its row, wrapping at the sample's width
 * (little-endian samples, as on the machines this builds on). The result is then -(n + 3) instead
 * of n, so the caller knows the predictor is done (n + 3: distinct from -1 and from -2, out of memory, even for n = 0).
 * Both throw a TypeError when `input` or `out` is not a Uint8Array or a predictor number is invalid.
 *
 * Each call has a decompressor of its own (a ~10 KiB allocation; libdeflate builds its tables per
 * block), so calls from any number of threads never share state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <libdeflate.h>
#include <node_api.h>

/* libdeflate's result for one stream: bytes written, -1 when it did not inflate the whole stream, -2 out of memory. */
static int64_t inflate_into(const void *in, size_t in_len, void *out, size_t out_len) {
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d == NULL) return -2;
  size_t written = 0;
  enum libdeflate_result r = libdeflate_zlib_decompress(d, in, in_len, out, out_len, &written);
  libdeflate_free_decompressor(d);
  return r == LIBDEFLATE_SUCCESS ? (int64_t)written : -1;
}

/* TIFF predictor 2 undone in place over rows × rowSamples samples of `bytes_per` bytes, `spp` per pixel. */
#define UNDO_PREDICTOR(T)                                                \
  do {                                                                   \
    T *a = (T *)data;                                                    \
    for (size_t r = 0; r < rows; r++, a += row_samples)                  \
      for (size_t i = spp; i < row_samples; i++) a[i] = (T)(a[i] + a[i - spp]); \
  } while (0)

static void undo_predictor(void *data, int bytes_per, size_t row_samples, size_t rows, size_t spp) {
  if (bytes_per == 1) UNDO_PREDICTOR(uint8_t);
  else if (bytes_per == 2) UNDO_PREDICTOR(uint16_t);
  else UNDO_PREDICTOR(uint32_t);
}

/* Predictor parameters, when given: 0 = none. */
typedef struct {
  int bytes_per;
  size_t row_samples, rows, spp;
} Predictor;

/* Reads the four predictor numbers at argv[at..at+3] (absent: none); 0 with a pending TypeError when invalid. */
static int predictor_of(napi_env env, size_t argc, napi_value *argv, size_t at, Predictor *p, const char *fn) {
  char msg[160];
  p->bytes_per = 0;
  if (argc < at + 4) return 1;
  int64_t v[4];
  for (int k = 0; k < 4; k++) {
    if (napi_get_value_int64(env, argv[at + k], &v[k]) != napi_ok || v[k] < 0) {
      snprintf(msg, sizeof msg, "%s: the predictor numbers (bytesPer, rowSamples, rows, spp) must be non-negative integers", fn);
      napi_throw_type_error(env, NULL, msg);
      return 0;
    }
  }
  if ((v[0] != 1 && v[0] != 2 && v[0] != 4) || v[3] < 1) {
    snprintf(msg, sizeof msg, "%s: bytesPer must be 1, 2 or 4 and spp at least 1", fn);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  p->bytes_per = (int)v[0];
  p->row_samples = (size_t)v[1];
  p->rows = (size_t)v[2];
  p->spp = (size_t)v[3];
  return 1;
}

/* Undoes the predictor when the stream filled exactly the predictor's samples at an aligned address: -(n + 3); else n. */
static int64_t with_predictor(int64_t n, void *out, const Predictor *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
  return n; /* (big-endian machine: the caller undoes the predictor) */
#endif
  if (n < 0 || p->bytes_per == 0 || (uintptr_t)out % (uintptr_t)p->bytes_per != 0 ||
      (uint64_t)n != (uint64_t)p->rows * p->row_samples * (uint64_t)p->bytes_per) return n;
  undo_predictor(out, p->bytes_per, p->row_samples, p->rows, p->spp);
  return -(n + 3);
}

/* The bytes of a Uint8Array (or Buffer); 0 with a pending TypeError otherwise. */
static int bytes_of(napi_env env, napi_value v, const char *fn, const char *name, void **data, size_t *len) {
  bool is = false;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, len, data, &ab, &offset) != napi_ok || type != napi_uint8_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s: %s must be a Uint8Array", fn, name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* The arguments both functions start with: input, out, and (from argv[at]) the optional predictor; 0 with a pending TypeError. */
static int common_args(napi_env env, size_t argc, napi_value *argv, size_t at, const char *fn, void **in, size_t *in_len, void **out, size_t *out_len, Predictor *p) {
  if (argc < at) {
    char msg[64];
    snprintf(msg, sizeof msg, "%s: expected at least %zu arguments", fn, at);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return bytes_of(env, argv[0], fn, "input", in, in_len) && bytes_of(env, argv[1], fn, "out", out, out_len) && predictor_of(env, argc, argv, at, p, fn);
}

static napi_value number(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

static napi_value js_inflate(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *in, *out;
  size_t in_len, out_len;
  Predictor p;
  if (!common_args(env, argc, argv, 2, "inflate", &in, &in_len, &out, &out_len, &p)) return NULL;
  int64_t n = inflate_into(in, in_len, out, out_len);
  if (n == -2) {
    napi_throw_error(env, NULL, "inflate: out of memory for libdeflate's decompressor");
    return NULL;
  }
  return number(env, with_predictor(n, out, &p));
}

/* One inflation on the thread pool: the arrays and the callback are held by references until it completes. */
typedef struct {
  napi_async_work work;
  napi_ref input_ref, out_ref, done_ref;
  void *in, *out;
  size_t in_len, out_len;
  Predictor predictor;
  int64_t result;
} Job;

static void job_execute(napi_env env, void *data) {
  (void)env;
  Job *j = (Job *)data;
  j->result = with_predictor(inflate_into(j->in, j->in_len, j->out, j->out_len), j->out, &j->predictor);
}

static void job_complete(napi_env env, napi_status status, void *data) {
  Job *j = (Job *)data;
  napi_value done, global, arg;
  napi_get_reference_value(env, j->done_ref, &done);
  napi_get_global(env, &global);
  arg = number(env, status == napi_ok && j->result != -2 ? j->result : -1);
  napi_delete_reference(env, j->input_ref);
  napi_delete_reference(env, j->out_ref);
  napi_delete_reference(env, j->done_ref);
  napi_delete_async_work(env, j->work);
  free(j);
  napi_call_function(env, global, done, 1, &arg, NULL);
}

static napi_value js_inflate_async(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *in, *out;
  size_t in_len, out_len;
  napi_valuetype t = napi_undefined;
  Predictor p;
  if (!common_args(env, argc, argv, 3, "inflateAsync", &in, &in_len, &out, &out_len, &p)) return NULL;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "inflateAsync: done must be a function");
    return NULL;
  }
  Job *j = (Job *)calloc(1, sizeof(Job));
  if (j == NULL) {
    napi_throw_error(env, NULL, "inflateAsync: out of memory");
    return NULL;
  }
  j->in = in;
  j->in_len = in_len;
  j->out = out;
  j->out_len = out_len;
  j->predictor = p;
  napi_value name;
  napi_create_string_utf8(env, "ai4eo.inflate", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[0], 1, &j->input_ref) != napi_ok || napi_create_reference(env, argv[1], 1, &j->out_ref) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &j->done_ref) != napi_ok ||
      napi_create_async_work(env, NULL, name, job_execute, job_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    napi_throw_error(env, NULL, "inflateAsync: could not queue the inflation on the thread pool");
    return NULL;
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "inflate", NAPI_AUTO_LENGTH, js_inflate, NULL, &f);
  napi_set_named_property(env, exports, "inflate", f);
  napi_create_function(env, "inflateAsync", NAPI_AUTO_LENGTH, js_inflate_async, NULL, &f);
  napi_set_named_property(env, exports, "inflateAsync", f);
  return exports;
}
