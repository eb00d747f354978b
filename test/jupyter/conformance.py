"""The official Jupyter kernel conformance suite (jupyter_kernel_test) against the ai4eo kernel.

Run by test/jupyter/conformance.test.ts with JUPYTER_PATH pointing at a freshly installed kernelspec.
"""
import unittest

import jupyter_kernel_test


class Ai4eoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "ai4eo"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('something went wrong')"

    completion_samples = [
        {"text": "Math.PI.toFi", "matches": {"toFixed"}},
        {"text": "const sentinelBands = 13;\nsentinelBa", "matches": {"sentinelBands"}},
    ]
    complete_code_samples = ["1", "const x = 1;", "function f(): number { return 1; }", "for (const b of [1, 2]) console.log(b);"]
    incomplete_code_samples = ["function f() {", "const bands = [1,", "const s = `multi", "/* open comment"]
    invalid_code_samples = ["1 +* 2", "let = ;", "const x = );"]

    code_page_something = "page('Sentinel-2 has 13 spectral bands.')"
    code_generate_error = "throw new Error('expected failure')"

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "'ab'.repeat(2)", "result": "'abab'"},
        {"code": "({ band: 'B04', nm: 665 })", "result": "{ band: 'B04', nm: 665 }"},
    ]
    code_display_data = [
        {"code": "display.html('<b>NDVI</b>')", "mime": "text/html"},
        {"code": "display.markdown('**NDVI**')", "mime": "text/markdown"},
        {"code": "display.latex('$\\\\rho_{NIR}$')", "mime": "text/latex"},
        {"code": "display.svg('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')", "mime": "image/svg+xml"},
        {"code": "display.png(new Uint8Array([137, 80, 78, 71]))", "mime": "image/png"},
        {"code": "display.json({ bands: 13 })", "mime": "application/json"},
    ]
    code_history_pattern = "6*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "display.clear()"


if __name__ == "__main__":
    unittest.main(verbosity=2)
