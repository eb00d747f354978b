;; Hot loops of predictScene in WebAssembly SIMD (compiled by scripts/build-scene-kernels.mjs into
;; scene-kernels-wasm.ts). All arithmetic is done in f64 and rounded to f32 once, exactly as the
;; JavaScript loops they replace do (JS numbers are f64 and Float32Array stores round), so results
;; are bit-identical to the JavaScript versions (test/eo/model/scene-kernels.test.ts checks this).
;; Addresses are byte offsets into the imported (shared) memory.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Two f64 lanes of x·mul + add, rounded to f32 in the low two lanes.
  (func $ma (param $x v128) (param $m v128) (param $a v128) (result v128)
    (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $x) (local.get $m)) (local.get $a))))

  ;; Four i32 lanes (as unsigned) -> f32 of x·mul + add.
  (func $ma4u (param $v v128) (param $m v128) (param $a v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (call $ma (f64x2.convert_low_i32x4_u (local.get $v)) (local.get $m) (local.get $a))
      (call $ma (f64x2.convert_low_i32x4_u
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $m) (local.get $a))))

  ;; dst[r·tw + c] = f32(src[r·W + c]·mul + add) for a th×tw tile; bpe = bytes per source sample
  ;; (1: uint8, 2: uint16, 4: float32).
  (func (export "normalize") (param $src i32) (param $W i32) (param $bpe i32) (param $dst i32)
      (param $th i32) (param $tw i32) (param $mul f64) (param $add f64)
    (local $r i32) (local $c i32) (local $s i32) (local $d i32) (local $m v128) (local $a v128)
    (local $v v128) (local $x f64) (local $tw4 i32)
    (local.set $m (f64x2.splat (local.get $mul)))
    (local.set $a (f64x2.splat (local.get $add)))
    (local.set $tw4 (i32.and (local.get $tw) (i32.const -4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $th)))
        (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $W)) (local.get $bpe))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $tw)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $c) (local.get $tw4)))
            (if (i32.eq (local.get $bpe) (i32.const 1))
              (then (v128.store (local.get $d) (call $ma4u
                (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $s))))
                (local.get $m) (local.get $a))))
              (else (if (i32.eq (local.get $bpe) (i32.const 2))
                (then (v128.store (local.get $d) (call $ma4u (v128.load16x4_u (local.get $s)) (local.get $m) (local.get $a))))
                (else
                  (local.set $v (v128.load (local.get $s)))
                  (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (call $ma (f64x2.promote_low_f32x4 (local.get $v)) (local.get $m) (local.get $a))
                    (call $ma (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $m) (local.get $a))))))))
            (local.set $s (i32.add (local.get $s) (i32.shl (local.get $bpe) (i32.const 2))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $tw)))
            (if (i32.eq (local.get $bpe) (i32.const 1))
              (then (local.set $x (f64.convert_i32_u (i32.load8_u (local.get $s)))))
              (else (if (i32.eq (local.get $bpe) (i32.const 2))
                (then (local.set $x (f64.convert_i32_u (i32.load16_u (local.get $s)))))
                (else (local.set $x (f64.promote_f32 (f32.load (local.get $s))))))))
            (f32.store (local.get $d) (f32.demote_f64 (f64.add (f64.mul (local.get $x) (local.get $mul)) (local.get $add))))
            (local.set $s (i32.add (local.get $s) (local.get $bpe)))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; For i in [0, n): accW[i] += w[i]; acc[k·plane + i] += w[i]·od[k·stride + i] for k < K.
  ;; od, acc, accW are f32 arrays, w is f64; plane and stride are in bytes.
  (func (export "blend") (param $od i32) (param $w i32) (param $acc i32) (param $accW i32)
      (param $K i32) (param $stride i32) (param $plane i32) (param $n i32)
    (local $i i32) (local $k i32) (local $wv v128) (local $p i32) (local $q i32) (local $n2 i32) (local $ws f64)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $wv (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.add (local.get $accW) (i32.shl (local.get $i) (i32.const 2))))
        (v128.store64_lane 0 (local.get $p) (f32x4.demote_f64x2_zero
          (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))) (local.get $wv))))
        (local.set $k (i32.const 0))
        (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $q (i32.add (local.get $od) (i32.shl (local.get $i) (i32.const 2))))
        (block $k_done
          (loop $kl
            (br_if $k_done (i32.ge_u (local.get $k) (local.get $K)))
            (v128.store64_lane 0 (local.get $p) (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))
                (f64x2.mul (local.get $wv) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q)))))))
            (local.set $p (i32.add (local.get $p) (local.get $plane)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kl)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $vec)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $ws (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.add (local.get $accW) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $p) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $p))) (local.get $ws))))
        (local.set $k (i32.const 0))
        (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $q (i32.add (local.get $od) (i32.shl (local.get $i) (i32.const 2))))
        (block $t_done
          (loop $tl
            (br_if $t_done (i32.ge_u (local.get $k) (local.get $K)))
            (f32.store (local.get $p) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $p)))
              (f64.mul (local.get $ws) (f64.promote_f32 (f32.load (local.get $q)))))))
            (local.set $p (i32.add (local.get $p) (local.get $plane)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $tl))))))

  ;; out[i] = the first k with the largest acc[k·plane + i] (k < K ≤ 255; NaN never wins), i < n.
  (func (export "argmax") (param $acc i32) (param $plane i32) (param $K i32) (param $n i32) (param $out i32)
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
