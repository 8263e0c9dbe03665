/*
 * kyso_parity PDF OPTIONS_JSON: print the kyso.report/1 JSON of PDF (one line), as the CLI's
 * `kyso verify --json` does. Linked statically against libkyso_ffi.a by tests/run.d/40-bindings.sh.
 */
#include "kyso.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PDF OPTIONS_JSON\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *pdf = malloc((size_t)n);
  if (!pdf || fread(pdf, 1, (size_t)n, f) != (size_t)n) {
    perror(argv[1]);
    return 2;
  }
  fclose(f);
  kyso_buffer *report = NULL;
  kyso_error *error = NULL;
  int32_t code = kyso_verify_pdf(pdf, (size_t)n, argv[2], &report, &error);
  free(pdf);
  if (code != KYSO_OK) {
    fprintf(stderr, "error %d: %s\n", kyso_error_code(error), kyso_error_message(error));
    kyso_error_free(error);
    return 1;
  }
  printf("%s\n", (const char *)kyso_buffer_data(report));
  kyso_buffer_free(report);
  return 0;
}
