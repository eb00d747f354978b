;; Hot loops of the TIFF reader as WebAssembly: compiled by Liftoff before its first run, they are
;; fast from the first block of a fresh process (JavaScript loops run interpreted until V8 has
;; optimised them, which costs a one-window read more than the loop itself).
;; Build: node scripts/build-wasm-kernels.mjs raster (writes raster-kernels-wasm.ts).
(module
  (memory (export "memory") 1)

  ;; Undo the TIFF horizontal predictor in place on `rows` rows of `rowLen` 16-bit samples at byte
  ;; offset $ptr, with `spp` samples per pixel: a[i] += a[i - spp] modulo 2^16.
  (func (export "hp16") (param $ptr i32) (param $rows i32) (param $rowLen i32) (param $spp i32)
    (local $row i32) (local $end i32) (local $p i32) (local $acc i32) (local $back i32)
    (local.set $back (i32.shl (local.get $spp) (i32.const 1)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $ptr) (i32.mul (local.get $row) (i32.shl (local.get $rowLen) (i32.const 1)))))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $rowLen) (i32.const 1))))
        (if (i32.eq (local.get $spp) (i32.const 1))
          (then
            ;; one sample per pixel: the running sum stays in a register, four samples a step
            (local.set $acc (i32.load16_u (local.get $p)))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (block $tail4
              (loop $four
                (br_if $tail4 (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
                (local.set $acc (i32.add (local.get $acc) (i32.load16_u (local.get $p))))
                (i32.store16 (local.get $p) (local.get $acc))
                (local.set $acc (i32.add (local.get $acc) (i32.load16_u offset=2 (local.get $p))))
                (i32.store16 offset=2 (local.get $p) (local.get $acc))
                (local.set $acc (i32.add (local.get $acc) (i32.load16_u offset=4 (local.get $p))))
                (i32.store16 offset=4 (local.get $p) (local.get $acc))
                (local.set $acc (i32.add (local.get $acc) (i32.load16_u offset=6 (local.get $p))))
                (i32.store16 offset=6 (local.get $p) (local.get $acc))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (br $four)))
            (block $rowEnd
              (loop $one
                (br_if $rowEnd (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $acc (i32.add (local.get $acc) (i32.load16_u (local.get $p))))
                (i32.store16 (local.get $p) (local.get $acc))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))
                (br $one))))
          (else
            (local.set $p (i32.add (local.get $p) (local.get $back)))
            (block $rowEnd2
              (loop $each
                (br_if $rowEnd2 (i32.ge_u (local.get $p) (local.get $end)))
                (i32.store16 (local.get $p)
                  (i32.add (i32.load16_u (local.get $p)) (i32.load16_u (i32.sub (local.get $p) (local.get $back)))))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))
                (br $each)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; The same for 8-bit samples.
  (func (export "hp8") (param $ptr i32) (param $rows i32) (param $rowLen i32) (param $spp i32)
    (local $row i32) (local $end i32) (local $p i32)
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $ptr) (i32.mul (local.get $row) (local.get $rowLen))))
        (local.set $end (i32.add (local.get $p) (local.get $rowLen)))
        (local.set $p (i32.add (local.get $p) (local.get $spp)))
        (block $rowEnd
          (loop $each
            (br_if $rowEnd (i32.ge_u (local.get $p) (local.get $end)))
            (i32.store8 (local.get $p)
              (i32.add (i32.load8_u (local.get $p)) (i32.load8_u (i32.sub (local.get $p) (local.get $spp)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $each)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; The same for 32-bit samples.
  (func (export "hp32") (param $ptr i32) (param $rows i32) (param $rowLen i32) (param $spp i32)
    (local $row i32) (local $end i32) (local $p i32) (local $back i32)
    (local.set $back (i32.shl (local.get $spp) (i32.const 2)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $ptr) (i32.mul (local.get $row) (i32.shl (local.get $rowLen) (i32.const 2)))))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $rowLen) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (local.get $back)))
        (block $rowEnd
          (loop $each
            (br_if $rowEnd (i32.ge_u (local.get $p) (local.get $end)))
            (i32.store (local.get $p)
              (i32.add (i32.load (local.get $p)) (i32.load (i32.sub (local.get $p) (local.get $back)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $each)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; One sample per pixel out of pixel-interleaved rows: `rows` rows of `cols` 8-bit samples, the
  ;; first at byte $src, the next `step` bytes on, rows `sRow` bytes apart, written one after the
  ;; other from byte $dst (rows × cols samples, no gaps).
  (func (export "gather8") (param $src i32) (param $sRow i32) (param $step i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $row i32) (local $s i32) (local $e i32) (local $e4 i32) (local $step2 i32)
    (local.set $step2 (i32.shl (local.get $step) (i32.const 1)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $row) (local.get $sRow))))
        (local.set $e (i32.add (local.get $dst) (i32.mul (local.get $cols) (i32.const 1))))
        (local.set $e4 (i32.add (local.get $dst) (i32.mul (i32.and (local.get $cols) (i32.const -4)) (i32.const 1))))
        ;; four samples a step (two address increments), then the rest one by one
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $dst) (local.get $e4)))
            (i32.store8 (local.get $dst) (i32.load8_u (local.get $s)))
            (i32.store8 offset=1 (local.get $dst) (i32.load8_u (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (i32.store8 offset=2 (local.get $dst) (i32.load8_u (local.get $s)))
            (i32.store8 offset=3 (local.get $dst) (i32.load8_u (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br $four)))
        (block $rowEnd
          (loop $one
            (br_if $rowEnd (i32.ge_u (local.get $dst) (local.get $e)))
            (i32.store8 (local.get $dst) (i32.load8_u (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $step)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; The same for 16-bit samples.
  (func (export "gather16") (param $src i32) (param $sRow i32) (param $step i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $row i32) (local $s i32) (local $e i32) (local $e4 i32) (local $step2 i32)
    (local.set $step2 (i32.shl (local.get $step) (i32.const 1)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $row) (local.get $sRow))))
        (local.set $e (i32.add (local.get $dst) (i32.mul (local.get $cols) (i32.const 2))))
        (local.set $e4 (i32.add (local.get $dst) (i32.mul (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
        ;; four samples a step (two address increments), then the rest one by one
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $dst) (local.get $e4)))
            (i32.store16 (local.get $dst) (i32.load16_u (local.get $s)))
            (i32.store16 offset=2 (local.get $dst) (i32.load16_u (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (i32.store16 offset=4 (local.get $dst) (i32.load16_u (local.get $s)))
            (i32.store16 offset=6 (local.get $dst) (i32.load16_u (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
            (br $four)))
        (block $rowEnd
          (loop $one
            (br_if $rowEnd (i32.ge_u (local.get $dst) (local.get $e)))
            (i32.store16 (local.get $dst) (i32.load16_u (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $step)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; The same for 32-bit samples.
  (func (export "gather32") (param $src i32) (param $sRow i32) (param $step i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $row i32) (local $s i32) (local $e i32) (local $e4 i32) (local $step2 i32)
    (local.set $step2 (i32.shl (local.get $step) (i32.const 1)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $row) (local.get $sRow))))
        (local.set $e (i32.add (local.get $dst) (i32.mul (local.get $cols) (i32.const 4))))
        (local.set $e4 (i32.add (local.get $dst) (i32.mul (i32.and (local.get $cols) (i32.const -4)) (i32.const 4))))
        ;; four samples a step (two address increments), then the rest one by one
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $dst) (local.get $e4)))
            (i32.store (local.get $dst) (i32.load (local.get $s)))
            (i32.store offset=4 (local.get $dst) (i32.load (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (i32.store offset=8 (local.get $dst) (i32.load (local.get $s)))
            (i32.store offset=12 (local.get $dst) (i32.load (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $four)))
        (block $rowEnd
          (loop $one
            (br_if $rowEnd (i32.ge_u (local.get $dst) (local.get $e)))
            (i32.store (local.get $dst) (i32.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $step)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))

  ;; The same for 64-bit samples (float64; complex int32/float32 pairs).
  (func (export "gather64") (param $src i32) (param $sRow i32) (param $step i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $row i32) (local $s i32) (local $e i32) (local $e4 i32) (local $step2 i32)
    (local.set $step2 (i32.shl (local.get $step) (i32.const 1)))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $row) (local.get $sRow))))
        (local.set $e (i32.add (local.get $dst) (i32.mul (local.get $cols) (i32.const 8))))
        (local.set $e4 (i32.add (local.get $dst) (i32.mul (i32.and (local.get $cols) (i32.const -4)) (i32.const 8))))
        ;; four samples a step (two address increments), then the rest one by one
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $dst) (local.get $e4)))
            (i64.store (local.get $dst) (i64.load (local.get $s)))
            (i64.store offset=8 (local.get $dst) (i64.load (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (i64.store offset=16 (local.get $dst) (i64.load (local.get $s)))
            (i64.store offset=24 (local.get $dst) (i64.load (i32.add (local.get $s) (local.get $step))))
            (local.set $s (i32.add (local.get $s) (local.get $step2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (br $four)))
        (block $rowEnd
          (loop $one
            (br_if $rowEnd (i32.ge_u (local.get $dst) (local.get $e)))
            (i64.store (local.get $dst) (i64.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $step)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowsLoop))))
)
