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
)
