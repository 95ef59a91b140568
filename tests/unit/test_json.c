/* test_json.c — the JSON runtime (runtime/data): parsing (values, number
 * classification, escapes, every §15.4 error with its position, hostile
 * input), encoding (float format, escaping, key order), the value
 * constructors and inspection functions, equality, and survival of values
 * across forced collections. */
#include "snow_rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void snow_gc_init_main(void *stack_base);

#include "unit.h"

static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }
static uint64_t str_len(SnowObj *s) { return SNOW_PAYLOAD(s)[0]; }
static SnowObj *S(const char *c) { return snow_string_new(c, strlen(c)); }
static SnowObj *SN(const char *c, size_t n) { return snow_string_new(c, n); }
static int str_is(SnowObj *s, const char *expect) {
  return str_len(s) == strlen(expect) && memcmp(str_c(s), expect, str_len(s)) == 0;
}

/* Parses `text` (n bytes) and checks the encoding of the result or the error message. */
static void expect_n(const char *text, size_t n, const char *expect) {
  SnowObj *r = snow_json_parse(SN(text, n));
  SnowObj *payload = (SnowObj *)SNOW_PAYLOAD(r)[0];
  SnowObj *got = r->tag == 0 ? snow_json_encode(payload) : payload;
  int ok = str_is(got, expect);
  if (!ok) fprintf(stderr, "parse(%.60s): got '%.*s', expected '%s'\n", text, (int)str_len(got), str_c(got), expect);
  CHECK(ok);
}
static void expect(const char *text, const char *out) { expect_n(text, strlen(text), out); }

static void test_values(void) {
  expect("null", "null");
  expect(" true ", "true");
  expect("\t\r\nfalse\n", "false");
  expect("0", "0");
  expect("-12", "-12");
  expect("[1, 2.50, true, null, -0, 1e2, 1e16, 0.000001]", "[1,2.5,true,null,-0.0,100.0,1e16,1e-6]");
  expect("{\"b\": {\"y\": 1, \"x\": 2}, \"a\": \"hi\"}", "{\"a\":\"hi\",\"b\":{\"x\":2,\"y\":1}}");
  expect("{\"a\":1,\"a\":2}", "{\"a\":2}");
  expect("{\"k\":1,\"j\":0,\"k\":3,\"a\":[]}", "{\"a\":[],\"j\":0,\"k\":3}");
  expect("{\"9\":0,\"10\":0,\"B\":0,\"_\":0,\"a\":0,\"\xc3\xa9\":0,\"\":0,\"ab\":0}",
         "{\"\":0,\"10\":0,\"9\":0,\"B\":0,\"_\":0,\"a\":0,\"ab\":0,\"\xc3\xa9\":0}");
  expect("[]", "[]");
  expect("{}", "{}");
  expect("[[],[[]],{}]", "[[],[[]],{}]");
  /* numbers */
  expect("9223372036854775807", "9223372036854775807");
  expect("-9223372036854775808", "-9223372036854775808");
  expect("9223372036854775808", "9.223372036854776e18");
  expect("18446744073709551615", "1.8446744073709552e19");
  expect("-9223372036854775809", "-9.223372036854776e18");
  expect("123456789012345678901234567890", "1.2345678901234568e29");
  expect("1.0", "1.0");
  expect("1E2", "100.0");
  expect("-4.5E-2", "-0.045");
  expect("1e+2", "100.0");
  expect("1e21", "1e21");
  expect("1e-400", "0.0");
  expect("-1e-400", "-0.0");
  expect("5e-324", "5e-324");
  expect("1.7976931348623157e308", "1.7976931348623157e308");
  expect("0.1", "0.1");
  expect("123456789.125", "123456789.125");
  expect("1e15", "1000000000000000.0");
  expect("0.30000000000000004", "0.30000000000000004");
  /* strings */
  expect("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\"");
  expect("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "\"A\xc3\xa9\xc3\xa9\xe2\x82\xac\"");
  expect("\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
  expect("\"\\u0001\\u001F\\u007f\"", "\"\\u0001\\u001f\x7f\"");
  expect("\"\\u2028\"", "\"\xe2\x80\xa8\"");
  expect("\"\xc3\xa9t\xc3\xa9\"", "\"\xc3\xa9t\xc3\xa9\"");
  expect_n("\"a\\u0000b\"", 10, "\"a\\u0000b\"");
}

static void test_errors(void) {
  expect("", "EOF while parsing a value at line 1 column 0");
  expect("   ", "EOF while parsing a value at line 1 column 3");
  expect("abc", "expected value at line 1 column 1");
  expect("[1,2", "EOF while parsing a list at line 1 column 4");
  expect("[1, 2", "EOF while parsing a list at line 1 column 5");
  expect("[1,]", "trailing comma at line 1 column 4");
  expect("[1 2]", "expected `,` or `]` at line 1 column 4");
  expect("01", "invalid number at line 1 column 2");
  expect("1 2", "trailing characters at line 1 column 3");
  expect("{\"a\" 1}", "expected `:` at line 1 column 6");
  expect("{1:2}", "key must be a string at line 1 column 2");
  expect("\"abc", "EOF while parsing a string at line 1 column 4");
  expect("[1,\n", "EOF while parsing a value at line 2 column 0");
  expect("[", "EOF while parsing a list at line 1 column 1");
  expect("[,1]", "expected value at line 1 column 2");
  expect("{", "EOF while parsing an object at line 1 column 1");
  expect("{\"a\"", "EOF while parsing an object at line 1 column 4");
  expect("{\"a\":", "EOF while parsing a value at line 1 column 5");
  expect("{\"a\":1", "EOF while parsing an object at line 1 column 6");
  expect("{\"a\":1,", "EOF while parsing a value at line 1 column 7");
  expect("{\"a\":1,}", "trailing comma at line 1 column 8");
  expect("{\"a\":1 \"b\":2}", "expected `,` or `}` at line 1 column 8");
  expect("{,}", "key must be a string at line 1 column 2");
  expect("nul1", "expected ident at line 1 column 4");
  expect("trux", "expected ident at line 1 column 4");
  expect("tru", "EOF while parsing a value at line 1 column 3");
  expect("True", "expected value at line 1 column 1");
  expect("NaN", "expected value at line 1 column 1");
  expect("Infinity", "expected value at line 1 column 1");
  expect("+1", "expected value at line 1 column 1");
  expect(".5", "expected value at line 1 column 1");
  expect("'a'", "expected value at line 1 column 1");
  expect("// c\n1", "expected value at line 1 column 1");
  expect("1.", "EOF while parsing a value at line 1 column 2");
  expect("1.x", "invalid number at line 1 column 3");
  expect("1e", "EOF while parsing a value at line 1 column 2");
  expect("1e+", "EOF while parsing a value at line 1 column 3");
  expect("1ex", "invalid number at line 1 column 3");
  expect("-", "EOF while parsing a value at line 1 column 1");
  expect("-a", "invalid number at line 1 column 2");
  expect("-01", "invalid number at line 1 column 3");
  expect("1x", "trailing characters at line 1 column 2");
  expect("1e400", "number out of range at line 1 column 5");
  expect("[-1e309]", "number out of range at line 1 column 7");
  expect("\"\\x\"", "invalid escape at line 1 column 3");
  expect("\"\\u12G4\"", "invalid escape at line 1 column 7");
  expect("\"\\u12", "EOF while parsing a string at line 1 column 5");
  expect("\"\\", "EOF while parsing a string at line 1 column 2");
  expect("\"\\udc00\"", "lone leading surrogate in hex escape at line 1 column 7");
  expect("\"\\ud800\\u0041\"", "lone leading surrogate in hex escape at line 1 column 13");
  expect("\"\\ud800x\"", "unexpected end of hex escape at line 1 column 8");
  expect("\"\\ud800\\n\"", "unexpected end of hex escape at line 1 column 9");
  expect("\"\\ud800", "EOF while parsing a string at line 1 column 7");
  expect("\"a\tb\"", "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3");
  expect("\"a\nb\"", "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0");
  expect_n("\"\0\"", 3, "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 2");
  expect_n("\0", 1, "expected value at line 1 column 1");
  expect("{\n  \"a\": 1,\n  \"b\": x\n}", "expected value at line 3 column 8");
  expect("[1]]", "trailing characters at line 1 column 4");
  expect("[1,2,]", "trailing comma at line 1 column 6");
}

static void test_depth(void) {
  char buf[600];
  /* 127 levels parse, the 128th is rejected at its bracket */
  for (int k = 0; k < 127; k++) buf[k] = '[', buf[127 + k] = ']';
  buf[254] = 0;
  SnowObj *r = snow_json_parse(S(buf));
  CHECK(r->tag == 0);
  for (int k = 0; k < 128; k++) buf[k] = '[';
  buf[128] = 0;
  expect(buf, "recursion limit exceeded at line 1 column 128");
  for (int k = 0; k < 128; k++) buf[k] = k % 2 ? '[' : '{';
  buf[128] = 0;
  /* {[{[ ... : the object's key position sees '[' first */
  expect(buf, "key must be a string at line 1 column 2");
  /* 100 000 opening brackets: an error, not a crash */
  size_t n = 100000;
  char *deep = malloc(n + 1);
  memset(deep, '[', n);
  deep[n] = 0;
  expect(deep, "recursion limit exceeded at line 1 column 128");
  free(deep);
  /* a very long number */
  char *digits = malloc(5002);
  memset(digits, '9', 5000);
  digits[5000] = 0;
  expect(digits, "number out of range at line 1 column 5000");
  memcpy(digits, "0.", 2);
  expect(digits, "1.0");
  free(digits);
  /* truncated inputs of a valid document never crash and always fail */
  const char *doc = "{\"a\":[1,2.5e3,\"x\\u00e9\\ud83d\\ude00\",{\"b\":null}],\"c\":true}";
  size_t len = strlen(doc);
  int all_err = 1;
  for (size_t k = 0; k < len; k++) {
    SnowObj *t = snow_json_parse(SN(doc, k));
    if (t->tag != 1) all_err = 0;
  }
  CHECK(all_err);
  /* random bytes: never crash */
  srand(7);
  char junk[64];
  for (int round = 0; round < 20000; round++) {
    size_t m = (size_t)(rand() % 64);
    static const char alphabet[] = "[]{},:\"\\0123456789.eE+-truefalsnul \n\x01\xff";
    for (size_t k = 0; k < m; k++) junk[k] = alphabet[rand() % (int)(sizeof alphabet - 1)];
    SnowObj *t = snow_json_parse(SN(junk, m));
    CHECK(t->tag <= 1);
  }
}

static void test_encode(void) {
  CHECK(str_is(snow_json_encode_string(S("say \"hi\" now\tplease")), "\"say \\\"hi\\\" now\\tplease\""));
  CHECK(str_is(snow_json_encode_string(S("")), "\"\""));
  CHECK(str_is(snow_json_encode_string(S("a/b\x7f")), "\"a/b\x7f\""));
  CHECK(str_is(snow_json_encode_string(SN("\x01\x1f\x0b\x00", 4)), "\"\\u0001\\u001f\\u000b\\u0000\""));
  CHECK(str_is(snow_json_encode_string(S("\xff" "a\xc3")), "\"\xef\xbf\xbd" "a\xef\xbf\xbd\""));
  CHECK(str_is(snow_json_encode_string(S("\xed\xa0\x80")), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""));
  CHECK(str_is(snow_json_encode(snow_json_from_float(0.0 / 0.0)), "null"));
  CHECK(str_is(snow_json_encode(snow_json_from_float(1.0 / 0.0)), "null"));
  CHECK(str_is(snow_json_encode(snow_json_from_float(-1.0 / 0.0)), "null"));
  CHECK(str_is(snow_json_encode(snow_json_from_float(-0.0)), "-0.0"));
  CHECK(str_is(snow_json_encode(snow_json_from_float(1e21)), "1e21"));
  CHECK(str_is(snow_json_encode(snow_json_from_float(1.5e-7)), "1.5e-7"));
  CHECK(str_is(snow_json_encode(snow_json_from_int(INT64_MIN)), "-9223372036854775808"));
  SnowWord strs[2] = {(SnowWord)S("x"), (SnowWord)S("y\"")};
  CHECK(str_is(snow_json_encode_list(snow_list_from(2, strs, 1)), "[\"x\",\"y\\\"\"]"));
  CHECK(str_is(snow_json_encode_list(snow_list_empty()), "[]"));
  /* a program-built value nested 200 000 deep encodes without recursion */
  SnowObj *volatile v = snow_json_null();
  for (int k = 0; k < 200000; k++) {
    SnowWord w = (SnowWord)v;
    v = snow_json_array(snow_list_from(1, &w, 1));
  }
  SnowObj *text = snow_json_encode(v);
  CHECK(str_len(text) == 400004 && str_c(text)[0] == '[' && str_c(text)[199999] == '[' &&
        memcmp(str_c(text) + 200000, "null", 4) == 0 && str_c(text)[400003] == ']');
}

static SnowObj *tuple(SnowObj *k, SnowObj *v) {
  SnowWord f[2] = {(SnowWord)k, (SnowWord)v};
  return snow_record(0, 3, 2, f);
}

static void test_values_api(void) {
  SnowWord pairs[3] = {(SnowWord)tuple(S("b"), snow_json_from_int(1)),
                       (SnowWord)tuple(S("a"), snow_json_from_bool(1)),
                       (SnowWord)tuple(S("b"), snow_json_from_string(S("last")))};
  SnowObj *volatile o = snow_json_object(snow_list_from(3, pairs, 1));
  snow_gc_collect();
  CHECK(str_is(snow_json_encode(o), "{\"a\":true,\"b\":\"last\"}"));
  CHECK(str_is(snow_json_kind(o), "object"));
  CHECK(snow_json_length(o) == 2);
  SnowObj *keys = snow_json_keys(o);
  CHECK(snow_list_length(keys) == 2 && str_is((SnowObj *)snow_list_at(keys, 0), "a"));
  SnowWord got = snow_json_get(o, S("b"));
  CHECK(got != 1 && str_is(snow_json_encode((SnowObj *)SNOW_PAYLOAD((SnowObj *)got)[0]), "\"last\""));
  CHECK(snow_json_get(o, S("c")) == 1);
  CHECK(snow_json_get(snow_json_null(), S("a")) == 1);
  CHECK(snow_json_at(o, 0) == 1);
  SnowObj *r = snow_json_parse(S("[10, 2.9, -2.9, \"s\", false, null, 1e300]"));
  SnowObj *volatile arr = (SnowObj *)SNOW_PAYLOAD(r)[0];
  CHECK(snow_json_length(arr) == 7);
  CHECK(snow_json_at(arr, 7) == 1 && snow_json_at(arr, -1) == 1);
  SnowObj *e0 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 0))[0];
  SnowObj *e1 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 1))[0];
  SnowObj *e2 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 2))[0];
  SnowObj *e3 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 3))[0];
  SnowObj *e4 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 4))[0];
  SnowObj *e5 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 5))[0];
  SnowObj *e6 = (SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_at(arr, 6))[0];
  CHECK(SNOW_PAYLOAD((SnowObj *)snow_json_as_int(e0))[0] == 10);
  CHECK((int64_t)SNOW_PAYLOAD((SnowObj *)snow_json_as_int(e1))[0] == 2);
  CHECK((int64_t)SNOW_PAYLOAD((SnowObj *)snow_json_as_int(e2))[0] == -2);
  CHECK((int64_t)SNOW_PAYLOAD((SnowObj *)snow_json_as_int(e6))[0] == INT64_MAX);
  double d;
  memcpy(&d, &SNOW_PAYLOAD((SnowObj *)snow_json_as_float(e0))[0], 8);
  CHECK(d == 10.0);
  CHECK(snow_json_as_int(e3) == 1 && snow_json_as_float(e3) == 1 && snow_json_as_bool(e3) == 1);
  CHECK(str_is((SnowObj *)SNOW_PAYLOAD((SnowObj *)snow_json_as_string(e3))[0], "s"));
  CHECK(snow_json_as_string(e0) == 1);
  CHECK(SNOW_PAYLOAD((SnowObj *)snow_json_as_bool(e4))[0] == 0);
  CHECK(snow_json_is_null(e5) && !snow_json_is_null(e4));
  CHECK(str_is(snow_json_kind(e0), "int") && str_is(snow_json_kind(e1), "float") &&
        str_is(snow_json_kind(e3), "string") && str_is(snow_json_kind(e4), "bool") &&
        str_is(snow_json_kind(e5), "null") && str_is(snow_json_kind(arr), "array"));
  CHECK(snow_json_length(e3) == 0 && snow_list_length(snow_json_keys(arr)) == 0);
  /* equality and hashing */
  SnowObj *a1 = (SnowObj *)SNOW_PAYLOAD(snow_json_parse(S("{\"x\":[1,2.0],\"y\":null}")))[0];
  SnowObj *a2 = (SnowObj *)SNOW_PAYLOAD(snow_json_parse(S("{\"y\":null,\"x\":[1,2.0]}")))[0];
  SnowObj *a3 = (SnowObj *)SNOW_PAYLOAD(snow_json_parse(S("{\"y\":null,\"x\":[1,2]}")))[0];
  CHECK(snow_json_eq((SnowWord)a1, (SnowWord)a2) && !snow_json_eq((SnowWord)a1, (SnowWord)a3));
  CHECK(snow_json_hash((SnowWord)a1) == snow_json_hash((SnowWord)a2));
  /* parsed values survive collections */
  SnowObj *volatile big = (SnowObj *)SNOW_PAYLOAD(snow_json_parse(S("{\"k\":[\"a\",{\"z\":1,\"y\":[true]}],\"j\":\"v\"}")))[0];
  for (int k = 0; k < 3; k++) {
    for (int m = 0; m < 20000; m++) snow_json_parse(S("[\"garbage\", {\"a\": 1}]"));
    snow_gc_collect();
  }
  CHECK(str_is(snow_json_encode(big), "{\"j\":\"v\",\"k\":[\"a\",{\"y\":[true],\"z\":1}]}"));
}

/* ---- typed decoding steps (json_decode.c) ---- */

static SnowObj *parsed(const char *text) { return (SnowObj *)SNOW_PAYLOAD(snow_json_parse(S(text)))[0]; }
static int is_err_with(SnowObj *r, const char *msg) {
  return r->tag == 1 && str_is((SnowObj *)SNOW_PAYLOAD(r)[0], msg);
}
static SnowObj *conv_int(SnowWord j) { return snow_json_decode_int((SnowObj *)j); }
static SnowObj *conv_string(SnowWord j) { return snow_json_decode_string((SnowObj *)j); }
static SnowObj *to_json_int(SnowWord v) { return snow_json_from_int((int64_t)v); }

static void test_decode(void) {
  SnowObj *r = snow_json_decode_int(parsed("-2.9"));
  CHECK(r->tag == 0 && (int64_t)SNOW_PAYLOAD(r)[0] == -2);
  CHECK(is_err_with(snow_json_decode_int(parsed("\"1\"")), "expected Int"));
  CHECK(is_err_with(snow_json_decode_float(parsed("true")), "expected Float"));
  r = snow_json_decode_float(parsed("3"));
  double d;
  memcpy(&d, &SNOW_PAYLOAD(r)[0], 8);
  CHECK(r->tag == 0 && d == 3.0);
  CHECK(is_err_with(snow_json_decode_bool(parsed("0")), "expected Bool"));
  CHECK(is_err_with(snow_json_decode_string(parsed("null")), "expected String"));
  CHECK(is_err_with(snow_json_decode_list(parsed("{}"), conv_int, 0), "expected Array"));
  CHECK(is_err_with(snow_json_decode_list(parsed("[1,\"x\"]"), conv_int, 0), "expected Int"));
  r = snow_json_decode_list(parsed("[4,5]"), conv_int, 0);
  CHECK(r->tag == 0 && snow_list_length((SnowObj *)SNOW_PAYLOAD(r)[0]) == 2 &&
        snow_list_at((SnowObj *)SNOW_PAYLOAD(r)[0], 1) == 5);
  CHECK(is_err_with(snow_json_expect_object(parsed("[]")), "expected Object"));
  CHECK(snow_json_expect_object(parsed("{}"))->tag == 0);
  SnowObj *obj = parsed("{\"a\":\"x\"}");
  CHECK(is_err_with(snow_json_decode_field(obj, S("b"), conv_string, 0), "missing field: b"));
  r = snow_json_decode_field(obj, S("b"), conv_string, 1);
  CHECK(r->tag == 0 && SNOW_PAYLOAD(r)[0] == 1); /* None */
  r = snow_json_decode_field(obj, S("a"), conv_string, 0);
  CHECK(r->tag == 0 && str_is((SnowObj *)SNOW_PAYLOAD(r)[0], "x"));
  SnowWord names_w[2] = {(SnowWord)S("Empty"), (SnowWord)S("Stack")};
  SnowObj *names = snow_list_from(2, names_w, 1);
  r = snow_json_variant_index(parsed("{\"tag\":\"Stack\"}"), S("Shelf"), names);
  CHECK(r->tag == 0 && SNOW_PAYLOAD(r)[0] == 1);
  CHECK(is_err_with(snow_json_variant_index(parsed("{\"tag\":\"stack\"}"), S("Shelf"), names),
                    "unknown variant for Shelf"));
  CHECK(is_err_with(snow_json_variant_index(parsed("{}"), S("Shelf"), names), "missing field: tag"));
  CHECK(is_err_with(snow_json_variant_index(parsed("{\"tag\":[]}"), S("Shelf"), names), "expected String"));
  CHECK(is_err_with(snow_json_variant_index(parsed("1"), S("Shelf"), names), "expected Object"));
  SnowObj *v = parsed("{\"fields\":[7],\"tag\":\"Stack\"}");
  r = snow_json_decode_element(v, 0, conv_int);
  CHECK(r->tag == 0 && SNOW_PAYLOAD(r)[0] == 7);
  CHECK(is_err_with(snow_json_decode_element(v, 1, conv_int), "array index 1 out of bounds (length 1)"));
  CHECK(is_err_with(snow_json_decode_element(parsed("{}"), 0, conv_int), "missing field: fields"));
  CHECK(is_err_with(snow_json_decode_element(parsed("{\"fields\":{}}"), 0, conv_int), "expected Array"));
  /* typed lists to arrays */
  SnowWord ints[3] = {3, 1, 2};
  CHECK(str_is(snow_json_encode(snow_json_array_map(snow_list_from(3, ints, 0), to_json_int)), "[3,1,2]"));
  CHECK(str_is(snow_json_encode(snow_json_array_map(snow_list_empty(), to_json_int)), "[]"));
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  test_values();
  test_errors();
  test_depth();
  test_encode();
  test_values_api();
  test_decode();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
