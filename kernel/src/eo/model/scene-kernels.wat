;; Hot loops of predictScene in WebAssembly SIMD (compiled by scripts/build-wasm-kernels.mjs into
;; scene-kernels-wasm.ts). Blending is done in f64 and rounded to f32 once, exactly as the
;; JavaScript loops they replace do (JS numbers are f64 and Float32Array stores round), so results
;; are bit-identical to the JavaScript versions (test/eo/model/scene-kernels.test.ts checks this).
;; The normalize kernels work in f32 (one rounding after the multiply, one after the add); their
;; JavaScript counterparts round with Math.fround at the same two places (exact: f64 has more than
;; twice f32's precision, so rounding the f64 result to f32 is the correctly rounded f32 result).
;; Addresses are byte offsets into the imported (shared) memory.
;; Samples widened from 8 or 16 bits to i32 are below 2^31, so they are converted to f32 as signed
;; integers: the same floats as the unsigned conversion, in one instruction on x86-64 (cvtdq2ps) where
;; V8 expands the unsigned one into a sequence (normalizing 6-band uint8 tiles: 0.19-0.21 -> 0.13-0.14 ms
;; a 256² tile).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; dst[r·tw + c] = f32(f32(src[r·W + c]·mul) + add) for a th×tw tile of a uint8 strip of width W (src, dst:
  ;; byte addresses), sixteen values at a time; mul and add are f32.
  (func (export "normalize_u8") (param $src i32) (param $W i32) (param $dst i32) (param $th i32) (param $tw i32) (param $mul f32) (param $add f32)
    (local $r i32) (local $s i32) (local $d i32) (local $ev i32) (local $e i32) (local $m v128) (local $a v128) (local $v v128)
    (local.set $m (f32x4.splat (local.get $mul)))
    (local.set $a (f32x4.splat (local.get $add)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (i32.const 1))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
        (local.set $ev (i32.add (local.get $d) (i32.shl (i32.and (local.get $tw) (i32.const -16)) (i32.const 2))))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (local.get $ev)))
            (local.set $v (v128.load (local.get $s)))
            (v128.store offset=0 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (local.get $v)))) (local.get $m)) (local.get $a)))
            (v128.store offset=16 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (i16x8.extend_low_i8x16_u (local.get $v)))) (local.get $m)) (local.get $a)))
            (v128.store offset=32 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_high_i8x16_u (local.get $v)))) (local.get $m)) (local.get $a)))
            (v128.store offset=48 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (i16x8.extend_high_i8x16_u (local.get $v)))) (local.get $m)) (local.get $a)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 64)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $e)))
            (f32.store (local.get $d) (f32.add (f32.mul (f32.convert_i32_s (i32.load8_u (local.get $s))) (local.get $mul)) (local.get $add)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

;; normalize_il_u8 with SIMD, for spp ≤ 16: sixteen pixels of band b come out of the 16·spp bytes that hold
  ;; them with one i8x16.swizzle per input vector (masks at $masks: for band b and vector v, 16 bytes at
  ;; $masks + (b·spp + v)·16, lane i = i·spp + b − 16v where that falls in vector v, else 0x80 for zero)
  ;; ORed together; same arithmetic as normalize_il_u8.
  (func (export "normalize_il_u8x16") (param $src i32) (param $W i32) (param $spp i32) (param $dst i32) (param $plane i32) (param $th i32) (param $tw i32) (param $mulp i32) (param $addp i32) (param $C i32) (param $masks i32)
    (local $r i32) (local $b i32) (local $s i32) (local $d i32) (local $e i32) (local $ev i32) (local $mul f32) (local $add f32) (local $rowS i32) (local $rowD i32)
    (local $v i32) (local $mp i32) (local $sv i32) (local $x v128) (local $m v128) (local $a v128) (local $group i32)
    (local.set $group (i32.shl (local.get $spp) (i32.const 4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $rowS (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (local.get $spp))))
        (local.set $rowD (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $b (i32.const 0))
        (block $bands_done
          (loop $bands
            (br_if $bands_done (i32.ge_u (local.get $b) (local.get $C)))
            (local.set $mul (f32.load (i32.add (local.get $mulp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $add (f32.load (i32.add (local.get $addp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $m (f32x4.splat (local.get $mul)))
            (local.set $a (f32x4.splat (local.get $add)))
            (local.set $s (local.get $rowS))
            (local.set $d (i32.add (local.get $rowD) (i32.mul (local.get $b) (local.get $plane))))
            (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
            (local.set $ev (i32.add (local.get $d) (i32.shl (i32.and (local.get $tw) (i32.const -16)) (i32.const 2))))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $d) (local.get $ev)))
                (local.set $x (v128.const i32x4 0 0 0 0))
                (local.set $mp (i32.add (local.get $masks) (i32.shl (i32.mul (local.get $b) (local.get $spp)) (i32.const 4))))
                (local.set $sv (local.get $s))
                (local.set $v (i32.add (local.get $s) (local.get $group)))
                (loop $gather
                  (local.set $x (v128.or (local.get $x) (i8x16.swizzle (v128.load (local.get $sv)) (v128.load (local.get $mp)))))
                  (local.set $sv (i32.add (local.get $sv) (i32.const 16)))
                  (local.set $mp (i32.add (local.get $mp) (i32.const 16)))
                  (br_if $gather (i32.lt_u (local.get $sv) (local.get $v))))
                (v128.store offset=0 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (local.get $x)))) (local.get $m)) (local.get $a)))
                (v128.store offset=16 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (i16x8.extend_low_i8x16_u (local.get $x)))) (local.get $m)) (local.get $a)))
                (v128.store offset=32 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_high_i8x16_u (local.get $x)))) (local.get $m)) (local.get $a)))
                (v128.store offset=48 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (i16x8.extend_high_i8x16_u (local.get $x)))) (local.get $m)) (local.get $a)))
                (local.set $s (local.get $v))
                (local.set $d (i32.add (local.get $d) (i32.const 64)))
                (br $vec)))
            (local.set $s (i32.add (local.get $s) (local.get $b)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $d) (local.get $e)))
                (f32.store (local.get $d) (f32.add (f32.mul (f32.convert_i32_s (i32.load8_u (local.get $s))) (local.get $mul)) (local.get $add)))
                (local.set $s (i32.add (local.get $s) (local.get $spp)))
                (local.set $d (i32.add (local.get $d) (i32.const 4)))
                (br $tail)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bands)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; Tiles out of pixel-interleaved uint8 strips (the file's own layout: no splitting into bands first).
  ;; src: byte address of the tile's first pixel in a pixel-interleaved strip (spp samples a pixel, W pixels a
  ;; row); for each band b < C: dst[b·plane + r·tw + c] = f32(f32(sample·mul[b]) + add[b]) (plane in bytes,
  ;; mul and add: f32 arrays at byte addresses). Row by row and band by band, so a row's pixels stay in cache.
  (func (export "normalize_il_u8") (param $src i32) (param $W i32) (param $spp i32) (param $dst i32) (param $plane i32) (param $th i32) (param $tw i32) (param $mulp i32) (param $addp i32) (param $C i32)
    (local $r i32) (local $b i32) (local $s i32) (local $d i32) (local $e i32) (local $mul f32) (local $add f32) (local $rowS i32) (local $rowD i32) (local $step i32)
    (local.set $step (i32.shl (local.get $spp) (i32.const 0)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $rowS (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (local.get $step))))
        (local.set $rowD (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $b (i32.const 0))
        (block $bands_done
          (loop $bands
            (br_if $bands_done (i32.ge_u (local.get $b) (local.get $C)))
            (local.set $mul (f32.load (i32.add (local.get $mulp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $add (f32.load (i32.add (local.get $addp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $s (i32.add (local.get $rowS) (i32.shl (local.get $b) (i32.const 0))))
            (local.set $d (i32.add (local.get $rowD) (i32.mul (local.get $b) (local.get $plane))))
            (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
            (block $px_done
              (loop $px
                (br_if $px_done (i32.ge_u (local.get $d) (local.get $e)))
                (f32.store (local.get $d) (f32.add (f32.mul (f32.convert_i32_s (i32.load8_u (local.get $s))) (local.get $mul)) (local.get $add)))
                (local.set $s (i32.add (local.get $s) (local.get $step)))
                (local.set $d (i32.add (local.get $d) (i32.const 4)))
                (br $px)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bands)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

;; The same for uint16 samples.
  ;; src: byte address of the tile's first pixel in a pixel-interleaved strip (spp samples a pixel, W pixels a
  ;; row); for each band b < C: dst[b·plane + r·tw + c] = f32(f32(sample·mul[b]) + add[b]) (plane in bytes,
  ;; mul and add: f32 arrays at byte addresses). Row by row and band by band, so a row's pixels stay in cache.
  (func (export "normalize_il_u16") (param $src i32) (param $W i32) (param $spp i32) (param $dst i32) (param $plane i32) (param $th i32) (param $tw i32) (param $mulp i32) (param $addp i32) (param $C i32)
    (local $r i32) (local $b i32) (local $s i32) (local $d i32) (local $e i32) (local $mul f32) (local $add f32) (local $rowS i32) (local $rowD i32) (local $step i32)
    (local.set $step (i32.shl (local.get $spp) (i32.const 1)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $rowS (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (local.get $step))))
        (local.set $rowD (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $b (i32.const 0))
        (block $bands_done
          (loop $bands
            (br_if $bands_done (i32.ge_u (local.get $b) (local.get $C)))
            (local.set $mul (f32.load (i32.add (local.get $mulp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $add (f32.load (i32.add (local.get $addp) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $s (i32.add (local.get $rowS) (i32.shl (local.get $b) (i32.const 1))))
            (local.set $d (i32.add (local.get $rowD) (i32.mul (local.get $b) (local.get $plane))))
            (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
            (block $px_done
              (loop $px
                (br_if $px_done (i32.ge_u (local.get $d) (local.get $e)))
                (f32.store (local.get $d) (f32.add (f32.mul (f32.convert_i32_s (i32.load16_u (local.get $s))) (local.get $mul)) (local.get $add)))
                (local.set $s (i32.add (local.get $s) (local.get $step)))
                (local.set $d (i32.add (local.get $d) (i32.const 4)))
                (br $px)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bands)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; The same for a uint16 strip, eight values at a time.
  (func (export "normalize_u16") (param $src i32) (param $W i32) (param $dst i32) (param $th i32) (param $tw i32) (param $mul f32) (param $add f32)
    (local $r i32) (local $s i32) (local $d i32) (local $ev i32) (local $e i32) (local $m v128) (local $a v128) (local $v v128)
    (local.set $m (f32x4.splat (local.get $mul)))
    (local.set $a (f32x4.splat (local.get $add)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (i32.const 2))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
        (local.set $ev (i32.add (local.get $d) (i32.shl (i32.and (local.get $tw) (i32.const -8)) (i32.const 2))))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (local.get $ev)))
            (local.set $v (v128.load (local.get $s)))
            (v128.store offset=0 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $v))) (local.get $m)) (local.get $a)))
            (v128.store offset=16 (local.get $d) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $v))) (local.get $m)) (local.get $a)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $e)))
            (f32.store (local.get $d) (f32.add (f32.mul (f32.convert_i32_s (i32.load16_u (local.get $s))) (local.get $mul)) (local.get $add)))
            (local.set $s (i32.add (local.get $s) (i32.const 2)))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; The same for a float32 strip, four values at a time.
  (func (export "normalize_f32") (param $src i32) (param $W i32) (param $dst i32) (param $th i32) (param $tw i32) (param $mul f32) (param $add f32)
    (local $r i32) (local $s i32) (local $d i32) (local $ev i32) (local $e i32) (local $m v128) (local $a v128) (local $v v128)
    (local.set $m (f32x4.splat (local.get $mul)))
    (local.set $a (f32x4.splat (local.get $add)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (i32.const 4))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $e (i32.add (local.get $d) (i32.shl (local.get $tw) (i32.const 2))))
        (local.set $ev (i32.add (local.get $d) (i32.shl (i32.and (local.get $tw) (i32.const -4)) (i32.const 2))))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (local.get $ev)))
            (local.set $v (v128.load (local.get $s)))
            (v128.store offset=0 (local.get $d) (f32x4.add (f32x4.mul (local.get $v) (local.get $m)) (local.get $a)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $e)))
            (f32.store (local.get $d) (f32.add (f32.mul (f32.load (local.get $s)) (local.get $mul)) (local.get $add)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; For i in [0, n): accW[i] += w[i]; acc[k·plane + i] += w[i]·od[k·stride + i] for k < K.
  ;; od, acc, accW are f32 arrays, w is f64; plane and stride are in bytes. Plane by plane, four
  ;; values at a time.
  (func (export "blend") (param $od i32) (param $w i32) (param $acc i32) (param $accW i32)
      (param $K i32) (param $stride i32) (param $plane i32) (param $n i32)
    (local $k i32)
    (call $add_row (local.get $accW) (i32.const 0) (local.get $w) (local.get $n) (i32.const 1))
    (block $k_done
      (loop $kl
        (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
        (call $add_row (i32.add (local.get $acc) (i32.mul (local.get $k) (local.get $plane)))
          (i32.add (local.get $od) (i32.mul (local.get $k) (local.get $stride))) (local.get $w) (local.get $n) (i32.const 0))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kl))))

  ;; Adds one tile's K output planes (od, f32, planes `stride` bytes apart), weighted by wy[r]·wx[c]
  ;; (f32 arrays), into the accumulators acc (K planes `plane` bytes apart) and accW, whose
  ;; addresses are those of the tile's first pixel (row 0, column x0); rows are W values apart.
  ;; Rows from firstRow on with weight 1 are copied (the accumulators there are still 0) on columns
  ;; [copyFrom, copyTo) and blended elsewhere — exactly accumulatePlanes in predict-scene.ts.
  ;; wrow: f64 scratch of tw values. With $withW 0 the weights are not accumulated (accW untouched;
  ;; the class-only output needs only the argmax of the blended planes).
  ;; Classes (class only, $argRows > 0): the tile is the last to add to rows r < $argRows on columns
  ;; c < $finalTo, so once a row is blended the argmax of the accumulators there (as "argmax") goes to
  ;; the bytes at $arg + r·W + c — while the row is in cache. Pixels no other tile covers (on copied
  ;; rows, the columns [copyFrom, $argTo)) are not copied at all: their class is the argmax of the
  ;; tile's own planes, and the accumulators there are left as they are.
  ;; With $fresh ≥ 0 the accumulators of rows from firstRow on and columns from $fresh on — which no
  ;; earlier tile of the strip reached — may hold anything: the tile zeroes those it adds to (and
  ;; those with weight 0, which a later tile adds to) just before, while the row is in cache, so the
  ;; strip's accumulators need not be cleared in advance. With $fresh -1 they must be 0 already.
  (func (export "accumulate") (param $od i32) (param $wx i32) (param $wy i32) (param $acc i32) (param $accW i32) (param $wrow i32)
      (param $K i32) (param $th i32) (param $tw i32) (param $W i32) (param $firstRow i32) (param $copyFrom i32) (param $copyTo i32)
      (param $withW i32) (param $arg i32) (param $argRows i32) (param $argTo i32) (param $finalTo i32) (param $fresh i32)
    (local $r i32) (local $wr f64) (local $rowA i32) (local $rowW i32) (local $pix i32) (local $k i32)
    (local $stride i32) (local $plane i32) (local $n i32) (local $i i32) (local $cs i32) (local $rowArg i32)
    (local.set $stride (i32.shl (i32.mul (local.get $th) (local.get $tw)) (i32.const 2)))
    (local.set $plane (i32.shl (i32.mul (local.get $th) (local.get $W)) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $wr (f64.promote_f32 (f32.load (i32.add (local.get $wy) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $rowA (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $r) (local.get $W)) (i32.const 2))))
        (local.set $rowArg (i32.add (local.get $arg) (i32.mul (local.get $r) (local.get $W))))
        (local.set $cs (i32.const -1)) ;; (the first column after the row's single-tile columns, when it has any)
        (local.set $rowW (i32.add (local.get $accW) (i32.shl (i32.mul (local.get $r) (local.get $W)) (i32.const 2))))
        (if (i32.and (i32.ge_s (local.get $fresh) (i32.const 0)) (i32.ge_u (local.get $r) (local.get $firstRow)))
          (then
            (if (i32.and (f64.eq (local.get $wr) (f64.const 1)) (i32.lt_s (local.get $copyFrom) (local.get $copyTo)))
              (then ;; a copied row: only the blended columns on both sides of the copy
                (call $zero (local.get $rowA) (local.get $rowW) (local.get $K) (local.get $plane) (local.get $withW) (local.get $fresh) (local.get $copyFrom))
                (call $zero (local.get $rowA) (local.get $rowW) (local.get $K) (local.get $plane) (local.get $withW)
                  (select (local.get $copyTo) (local.get $fresh) (i32.gt_s (local.get $copyTo) (local.get $fresh))) (local.get $tw)))
              (else (call $zero (local.get $rowA) (local.get $rowW) (local.get $K) (local.get $plane) (local.get $withW) (local.get $fresh) (local.get $tw))))))
        (if (f64.ne (local.get $wr) (f64.const 0))
          (then
            (local.set $pix (i32.add (local.get $od) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
            (if (i32.and (i32.and (i32.ge_u (local.get $r) (local.get $firstRow)) (f64.eq (local.get $wr) (f64.const 1)))
                  (i32.lt_s (local.get $copyFrom) (local.get $copyTo)))
              (then
                (local.set $n (i32.sub (local.get $copyTo) (local.get $copyFrom)))
                (local.set $i (select (i32.const 0) (local.get $n) (local.get $withW)))
                (block $f_done (loop $f
                  (br_if $f_done (i32.ge_u (local.get $i) (local.get $n)))
                  (f32.store (i32.add (local.get $rowW) (i32.shl (i32.add (local.get $copyFrom) (local.get $i)) (i32.const 2))) (f32.const 1))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $f)))
                ;; columns [copyFrom, argTo) of rows < argRows: their argmax, not a copy
                (local.set $i (local.get $copyFrom))
                (if (i32.and (i32.lt_u (local.get $r) (local.get $argRows)) (i32.lt_s (local.get $copyFrom) (local.get $argTo)))
                  (then
                    (call $argmax (i32.add (local.get $pix) (i32.shl (local.get $copyFrom) (i32.const 2))) (local.get $stride) (local.get $K)
                      (i32.sub (local.get $argTo) (local.get $copyFrom)) (i32.add (local.get $rowArg) (local.get $copyFrom)))
                    (local.set $i (local.get $argTo))
                    (local.set $cs (local.get $argTo))))
                (local.set $k (i32.const 0))
                (block $k_done (loop $kl
                  (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
                  (memory.copy
                    (i32.add (i32.add (local.get $rowA) (i32.mul (local.get $k) (local.get $plane))) (i32.shl (local.get $i) (i32.const 2)))
                    (i32.add (i32.add (local.get $pix) (i32.mul (local.get $k) (local.get $stride))) (i32.shl (local.get $i) (i32.const 2)))
                    (i32.shl (i32.sub (local.get $copyTo) (local.get $i)) (i32.const 2)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $kl)))
                (call $ramp (local.get $pix) (local.get $wx) (local.get $rowA) (local.get $rowW) (local.get $wrow) (local.get $K)
                  (local.get $stride) (local.get $plane) (i32.const 0) (local.get $copyFrom) (f64.const 1) (local.get $withW))
                (call $ramp (local.get $pix) (local.get $wx) (local.get $rowA) (local.get $rowW) (local.get $wrow) (local.get $K)
                  (local.get $stride) (local.get $plane) (local.get $copyTo) (local.get $tw) (f64.const 1) (local.get $withW)))
              (else
                (call $ramp (local.get $pix) (local.get $wx) (local.get $rowA) (local.get $rowW) (local.get $wrow) (local.get $K)
                  (local.get $stride) (local.get $plane) (i32.const 0) (local.get $tw) (local.get $wr) (local.get $withW))))))
        ;; the row's classes where this tile is the last to add (all but the single-tile columns, done above)
        (if (i32.lt_u (local.get $r) (local.get $argRows))
          (then
            (if (i32.ge_s (local.get $cs) (i32.const 0))
              (then
                (call $argmax (local.get $rowA) (local.get $plane) (local.get $K) (local.get $copyFrom) (local.get $rowArg))
                (if (i32.lt_s (local.get $cs) (local.get $finalTo))
                  (then (call $argmax (i32.add (local.get $rowA) (i32.shl (local.get $cs) (i32.const 2))) (local.get $plane) (local.get $K)
                    (i32.sub (local.get $finalTo) (local.get $cs)) (i32.add (local.get $rowArg) (local.get $cs))))))
              (else (call $argmax (local.get $rowA) (local.get $plane) (local.get $K) (local.get $finalTo) (local.get $rowArg))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; Zeroes columns [from, to) of one row of the K planes (plane bytes apart) at rowA, and of accW at rowW
  ;; when $withW.
  (func $zero (param $rowA i32) (param $rowW i32) (param $K i32) (param $plane i32) (param $withW i32) (param $from i32) (param $to i32)
    (local $k i32) (local $bytes i32)
    (if (i32.ge_s (local.get $from) (local.get $to)) (then (return)))
    (local.set $bytes (i32.shl (i32.sub (local.get $to) (local.get $from)) (i32.const 2)))
    (if (local.get $withW)
      (then (memory.fill (i32.add (local.get $rowW) (i32.shl (local.get $from) (i32.const 2))) (i32.const 0) (local.get $bytes))))
    (block $done (loop $kl
      (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
      (memory.fill (i32.add (i32.add (local.get $rowA) (i32.mul (local.get $k) (local.get $plane))) (i32.shl (local.get $from) (i32.const 2)))
        (i32.const 0) (local.get $bytes))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $kl))))

  ;; Columns [from, to) of one tile row: wrow[c] = wr·wx[c] (f64), zero weights trimmed at both
  ;; ends, then accW and the K planes blended as in "blend" (addRow in predict-scene.ts).
  (func $ramp (param $pix i32) (param $wx i32) (param $rowA i32) (param $rowW i32) (param $wrow i32) (param $K i32)
      (param $stride i32) (param $plane i32) (param $from i32) (param $to i32) (param $wr f64) (param $withW i32)
    (local $c i32) (local $c0 i32) (local $c1 i32) (local $k i32) (local $n i32)
    (local.set $c (local.get $from))
    (block $w_done (loop $wl
      (br_if $w_done (i32.ge_s (local.get $c) (local.get $to)))
      (f64.store (i32.add (local.get $wrow) (i32.shl (local.get $c) (i32.const 3)))
        (f64.mul (local.get $wr) (f64.promote_f32 (f32.load (i32.add (local.get $wx) (i32.shl (local.get $c) (i32.const 2)))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $wl)))
    (local.set $c0 (local.get $from))
    (local.set $c1 (local.get $to))
    (block $a_done (loop $al
      (br_if $a_done (i32.ge_s (local.get $c0) (local.get $c1)))
      (br_if $a_done (f64.ne (f64.load (i32.add (local.get $wrow) (i32.shl (local.get $c0) (i32.const 3)))) (f64.const 0)))
      (local.set $c0 (i32.add (local.get $c0) (i32.const 1)))
      (br $al)))
    (block $b_done (loop $bl
      (br_if $b_done (i32.le_s (local.get $c1) (local.get $c0)))
      (br_if $b_done (f64.ne (f64.load (i32.add (local.get $wrow) (i32.shl (i32.sub (local.get $c1) (i32.const 1)) (i32.const 3)))) (f64.const 0)))
      (local.set $c1 (i32.sub (local.get $c1) (i32.const 1)))
      (br $bl)))
    (local.set $n (i32.sub (local.get $c1) (local.get $c0)))
    (if (i32.le_s (local.get $n) (i32.const 0)) (then (return)))
    (if (local.get $withW)
      (then (call $add_row (i32.add (local.get $rowW) (i32.shl (local.get $c0) (i32.const 2))) (i32.const 0)
        (i32.add (local.get $wrow) (i32.shl (local.get $c0) (i32.const 3))) (local.get $n) (i32.const 1))))
    (block $k_done (loop $kl
      (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
      (call $add_row
        (i32.add (i32.add (local.get $rowA) (i32.mul (local.get $k) (local.get $plane))) (i32.shl (local.get $c0) (i32.const 2)))
        (i32.add (i32.add (local.get $pix) (i32.mul (local.get $k) (local.get $stride))) (i32.shl (local.get $c0) (i32.const 2)))
        (i32.add (local.get $wrow) (i32.shl (local.get $c0) (i32.const 3))) (local.get $n) (i32.const 0))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $kl))))

  ;; a[i] = f32(a[i] + w[i]·x[i]) for i < n (a, x: f32; w: f64); with $ones, x is taken as 1 (a[i] += w[i]).
  (func $add_row (param $a i32) (param $x i32) (param $w i32) (param $n i32) (param $ones i32)
    (local $e4 i32) (local $e i32) (local $v v128) (local $xv v128) (local $lo v128) (local $hi v128)
    (local.set $e (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $e4 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (local.get $ones)
      (then
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $a) (local.get $e4)))
          (local.set $v (v128.load (local.get $a)))
          (v128.store (local.get $a) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $w))))
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
              (v128.load offset=16 (local.get $w))))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $w (i32.add (local.get $w) (i32.const 32)))
          (br $l1)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $a) (local.get $e)))
          (f32.store (local.get $a) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $a))) (f64.load (local.get $w)))))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (br $l2))))
      (else
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $a) (local.get $e4)))
          (local.set $v (v128.load (local.get $a)))
          (local.set $xv (v128.load (local.get $x)))
          (v128.store (local.get $a) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $v))
              (f64x2.mul (v128.load (local.get $w)) (f64x2.promote_low_f32x4 (local.get $xv)))))
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
              (f64x2.mul (v128.load offset=16 (local.get $w))
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv))))))))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $w (i32.add (local.get $w) (i32.const 32)))
          (br $l3)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $a) (local.get $e)))
          (f32.store (local.get $a) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $a)))
            (f64.mul (f64.load (local.get $w)) (f64.promote_f32 (f32.load (local.get $x)))))))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (br $l4))))))

  ;; out[i] = the first k with the largest acc[k·plane + i] (k < K ≤ 255; NaN never wins), i < n.
  (func $argmax (export "argmax") (param $acc i32) (param $plane i32) (param $K i32) (param $n i32) (param $out i32)
    (local $i i32) (local $k i32) (local $p i32) (local $m v128) (local $z v128) (local $mask v128) (local $idx v128)
    (local $n4 i32) (local $ms f32) (local $zs f32) (local $best i32) (local $v v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $m (v128.load (local.get $p)))
        (local.set $idx (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 1))
        (block $k_done
          (loop $kl
            (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $p (i32.add (local.get $p) (local.get $plane)))
            (local.set $z (v128.load (local.get $p)))
            (local.set $mask (f32x4.gt (local.get $z) (local.get $m)))
            (local.set $m (v128.bitselect (local.get $z) (local.get $m) (local.get $mask)))
            (local.set $idx (v128.bitselect (i32x4.splat (local.get $k)) (local.get $idx) (local.get $mask)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kl)))
        (local.set $v (i16x8.narrow_i32x4_u (local.get $idx) (local.get $idx)))
        (v128.store32_lane 0 (i32.add (local.get $out) (local.get $i)) (i8x16.narrow_i16x8_u (local.get $v) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $ms (f32.load (local.get $p)))
        (local.set $best (i32.const 0))
        (local.set $k (i32.const 1))
        (block $k2_done
          (loop $k2
            (br_if $k2_done (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $p (i32.add (local.get $p) (local.get $plane)))
            (local.set $zs (f32.load (local.get $p)))
            (if (f32.gt (local.get $zs) (local.get $ms))
              (then (local.set $ms (local.get $zs)) (local.set $best (local.get $k))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k2)))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $best))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
