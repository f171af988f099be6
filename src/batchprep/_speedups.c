/* batchprep._speedups: the compiled fast paths of serialize(), validate(), as_dict(), deserialize()
 * and from_dict().
 *
 * Python builds a *plan* per model class from the same declarations the generated Python functions
 * come from (src/batchprep/_codegen/native.py): for each field its slot offset, keys, kind, rules and
 * the plan of its nested model class; for the class, its service rules as a few opcodes.  A *codec*
 * walks a tree along the plans.
 *
 * The one rule of this file: when the walk meets anything it does not know for certain (a subclass,
 * a str subclass, a value of the wrong type, a broken rule, an unknown enum value, additional
 * properties to send, an exception from a callback...), it gives up and the codec calls the
 * generated Python function it wraps (its ``__wrapped__``), which gives the answer, the error and
 * its message.  So this file only ever accepts what the Python function accepts, and returns what it
 * returns; tests/test_speedups.py checks both halves of that with hypothesis.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <datetime.h>

/* Bumped whenever the plan format changes; batchprep._codegen.native refuses a stale build. */
#define ABI_VERSION 2

enum kind { K_STR = 1, K_INT, K_BOOL, K_DURATION, K_ENUM, K_MODEL, K_LIST_MODEL };
enum check_op { OP_EXACTLY_ONE = 1, OP_REQUIRES, OP_EXCLUDES, OP_RELATIVE_PATH, OP_UNIQUE, OP_NON_NEGATIVE };
enum codec_op { C_SERIALIZE = 1, C_VALIDATE, C_LOAD };

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))
#define MATCH_MEMORY 1024 /* strings remembered per pattern as matching */
#define MAX_OFFSETS 4

typedef struct PlanObject PlanObject;

typedef struct {
    Py_ssize_t offset;
    PyObject *wire_key;   /* str, interned */
    PyObject *attr_key;   /* str, interned */
    int kind;
    int required;
    int readonly;
    Py_ssize_t min_length, max_length; /* -1: no rule */
    PyObject *pattern;    /* callable text -> bool, or None */
    PyObject *matched;    /* set of strings known to match the pattern */
    PyObject *minimum, *maximum, *minimum_ex, *maximum_ex; /* numbers or None */
    PyObject *enum_cls, *enum_dump, *enum_dumper, *enum_load, *enum_loader;
    PlanObject *child;    /* K_MODEL, K_LIST_MODEL */
} FieldSpec;

typedef struct {
    int op;
    int n;
    Py_ssize_t offsets[MAX_OFFSETS];
    Py_ssize_t item_offset; /* OP_UNIQUE: the slot read from each item */
} CheckSpec;

struct PlanObject {
    PyObject_HEAD
    PyTypeObject *cls;
    Py_ssize_t extra_offset;
    int send_additional;
    int ci_ok;            /* no two spellings fold to the same text */
    PyObject *known;      /* frozenset of REST keys */
    PyObject *exact;      /* frozenset of REST keys and attribute names */
    Py_ssize_t nfields, nchecks;
    FieldSpec *fields;
    CheckSpec *checks;
};

typedef struct {
    int build, attr_keys, keep_readonly, strict, additional, ci;
} Mode;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PlanObject *plan;
    int op;
    Mode mode;
    PyObject *wrapped, *name, *qualname, *module, *doc;
} CodecObject;

static PyTypeObject Plan_Type, Codec_Type;

/* Set once by configure(): the duration helpers shared with batchprep.durations. */
static PyObject *format_cache, *format_duration, *parsed_cache, *load_duration, *wire_duration_type;
static PyObject *str_wire_text, *str_dotdot;

/* ---- plans ------------------------------------------------------------------------------------ */

static int
offset_of(PyObject *descr, Py_ssize_t *offset)
{
    if (!Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "expected a slot descriptor, got %R", descr);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
        PyErr_Format(PyExc_TypeError, "%R is not a writable object slot", descr);
        return -1;
    }
    *offset = member->offset;
    return 0;
}

static void
field_clear(FieldSpec *f)
{
    Py_CLEAR(f->wire_key);
    Py_CLEAR(f->attr_key);
    Py_CLEAR(f->pattern);
    Py_CLEAR(f->matched);
    Py_CLEAR(f->minimum);
    Py_CLEAR(f->maximum);
    Py_CLEAR(f->minimum_ex);
    Py_CLEAR(f->maximum_ex);
    Py_CLEAR(f->enum_cls);
    Py_CLEAR(f->enum_dump);
    Py_CLEAR(f->enum_dumper);
    Py_CLEAR(f->enum_load);
    Py_CLEAR(f->enum_loader);
    Py_CLEAR(f->child);
}

static int
plan_clear(PlanObject *p)
{
    Py_CLEAR(p->cls);
    Py_CLEAR(p->known);
    Py_CLEAR(p->exact);
    for (Py_ssize_t i = 0; i < p->nfields; i++)
        field_clear(&p->fields[i]);
    return 0;
}

static int
plan_traverse(PlanObject *p, visitproc visit, void *arg)
{
    Py_VISIT(p->cls);
    Py_VISIT(p->known);
    Py_VISIT(p->exact);
    for (Py_ssize_t i = 0; i < p->nfields; i++) {
        FieldSpec *f = &p->fields[i];
        Py_VISIT(f->pattern);
        Py_VISIT(f->matched);
        Py_VISIT(f->enum_cls);
        Py_VISIT(f->enum_dump);
        Py_VISIT(f->enum_dumper);
        Py_VISIT(f->enum_load);
        Py_VISIT(f->enum_loader);
        Py_VISIT(f->child);
    }
    return 0;
}

static void
plan_dealloc(PlanObject *p)
{
    PyObject_GC_UnTrack(p);
    plan_clear(p);
    PyMem_Free(p->fields);
    PyMem_Free(p->checks);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static int
parse_field(FieldSpec *f, PyObject *spec)
{
    PyObject *descr, *wire, *attr, *pattern, *minimum, *maximum, *minimum_ex, *maximum_ex;
    PyObject *enum_cls, *enum_dump, *enum_dumper, *enum_load, *enum_loader, *child;
    if (!PyArg_ParseTuple(spec, "OUUippnnOOOOOOOOOOO;a field spec", &descr, &wire, &attr, &f->kind,
                          &f->required, &f->readonly, &f->min_length, &f->max_length, &pattern, &minimum,
                          &maximum, &minimum_ex, &maximum_ex, &enum_cls, &enum_dump, &enum_dumper,
                          &enum_load, &enum_loader, &child))
        return -1;
    if (offset_of(descr, &f->offset) < 0)
        return -1;
    if (f->kind < K_STR || f->kind > K_LIST_MODEL) {
        PyErr_Format(PyExc_ValueError, "unknown field kind %d", f->kind);
        return -1;
    }
    if ((f->kind == K_MODEL || f->kind == K_LIST_MODEL) != Py_IS_TYPE(child, &Plan_Type)) {
        PyErr_SetString(PyExc_TypeError, "a model field needs the plan of its class, and only it");
        return -1;
    }
    if (f->kind == K_ENUM && !(PyType_Check(enum_cls) && PyDict_CheckExact(enum_dump) &&
                               PyCallable_Check(enum_dumper) && PyDict_CheckExact(enum_load) &&
                               PyCallable_Check(enum_loader))) {
        PyErr_SetString(PyExc_TypeError, "an enum field needs its class, and a dict and a function each way");
        return -1;
    }
    Py_INCREF(wire);
    PyUnicode_InternInPlace(&wire);
    f->wire_key = wire;
    Py_INCREF(attr);
    PyUnicode_InternInPlace(&attr);
    f->attr_key = attr;
    f->pattern = Py_NewRef(pattern);
    f->matched = PySet_New(NULL);
    if (f->matched == NULL)
        return -1;
    f->minimum = Py_NewRef(minimum);
    f->maximum = Py_NewRef(maximum);
    f->minimum_ex = Py_NewRef(minimum_ex);
    f->maximum_ex = Py_NewRef(maximum_ex);
    f->enum_cls = Py_NewRef(enum_cls);
    f->enum_dump = Py_NewRef(enum_dump);
    f->enum_dumper = Py_NewRef(enum_dumper);
    f->enum_load = Py_NewRef(enum_load);
    f->enum_loader = Py_NewRef(enum_loader);
    f->child = Py_IS_TYPE(child, &Plan_Type) ? (PlanObject *)Py_NewRef(child) : NULL;
    return 0;
}

static int
parse_check(CheckSpec *c, PyObject *spec)
{
    PyObject *descrs, *item_descr;
    if (!PyArg_ParseTuple(spec, "iO!O;a check spec", &c->op, &PyTuple_Type, &descrs, &item_descr))
        return -1;
    if (c->op < OP_EXACTLY_ONE || c->op > OP_NON_NEGATIVE) {
        PyErr_Format(PyExc_ValueError, "unknown check opcode %d", c->op);
        return -1;
    }
    c->n = (int)PyTuple_GET_SIZE(descrs);
    if (c->n < 1 || c->n > MAX_OFFSETS) {
        PyErr_SetString(PyExc_ValueError, "a check reads 1 to 4 fields");
        return -1;
    }
    for (int i = 0; i < c->n; i++)
        if (offset_of(PyTuple_GET_ITEM(descrs, i), &c->offsets[i]) < 0)
            return -1;
    c->item_offset = -1;
    if (c->op == OP_UNIQUE && offset_of(item_descr, &c->item_offset) < 0)
        return -1;
    return 0;
}

static PyObject *
plan_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *cls, *extra_descr, *fields, *checks, *known, *exact;
    int send_additional, ci_ok;
    static char *kwlist[] = {"cls", "extra", "fields", "checks", "known", "exact", "send_additional", "ci_ok", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!O!O!O!pp:Plan", kwlist, &PyType_Type, &cls,
                                     &extra_descr, &PyTuple_Type, &fields, &PyTuple_Type, &checks,
                                     &PyFrozenSet_Type, &known, &PyFrozenSet_Type, &exact, &send_additional,
                                     &ci_ok))
        return NULL;
    PlanObject *p = PyObject_GC_New(PlanObject, type);
    if (p == NULL)
        return NULL;
    p->cls = (PyTypeObject *)Py_NewRef(cls);
    p->known = Py_NewRef(known);
    p->exact = Py_NewRef(exact);
    p->send_additional = send_additional;
    p->ci_ok = ci_ok;
    p->nfields = 0;
    p->nchecks = 0;
    p->checks = NULL;
    p->fields = PyMem_Calloc(PyTuple_GET_SIZE(fields) + 1, sizeof(FieldSpec));
    p->checks = PyMem_Calloc(PyTuple_GET_SIZE(checks) + 1, sizeof(CheckSpec));
    PyObject_GC_Track(p);
    if (p->fields == NULL || p->checks == NULL) {
        Py_DECREF(p);
        return PyErr_NoMemory();
    }
    if (offset_of(extra_descr, &p->extra_offset) < 0)
        goto fail;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        p->nfields = i + 1;
        if (parse_field(&p->fields[i], PyTuple_GET_ITEM(fields, i)) < 0)
            goto fail;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(checks); i++) {
        p->nchecks = i + 1;
        if (parse_check(&p->checks[i], PyTuple_GET_ITEM(checks, i)) < 0)
            goto fail;
    }
    return (PyObject *)p;
fail:
    Py_DECREF(p);
    return NULL;
}

static PyObject *
plan_repr(PlanObject *p)
{
    return PyUnicode_FromFormat("<batchprep plan of %s: %zd fields, %zd service rule checks>",
                                p->cls ? p->cls->tp_name : "?", p->nfields, p->nchecks);
}

static PyTypeObject Plan_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "batchprep._speedups.Plan",
    .tp_doc = "How the compiled codecs read, check and write one model class (built by batchprep._codegen.native).",
    .tp_basicsize = sizeof(PlanObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = plan_new,
    .tp_dealloc = (destructor)plan_dealloc,
    .tp_traverse = (traverseproc)plan_traverse,
    .tp_clear = (inquiry)plan_clear,
    .tp_repr = (reprfunc)plan_repr,
};

/* ---- checks --------------------------------------------------------------------------------- */

/* 1: passes, 0: give up (broken, or not certain). */
static int
check_str(FieldSpec *f, PyObject *v)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    if ((f->min_length >= 0 && n < f->min_length) || (f->max_length >= 0 && n > f->max_length))
        return 0;
    if (f->pattern != Py_None) {
        int known = PySet_Contains(f->matched, v);
        if (known < 0)
            return 0;
        if (!known) {
            PyObject *r = PyObject_CallOneArg(f->pattern, v);
            if (r == NULL)
                return 0;
            int ok = PyObject_IsTrue(r);
            Py_DECREF(r);
            if (ok != 1)
                return 0;
            if (PySet_GET_SIZE(f->matched) < MATCH_MEMORY && PySet_Add(f->matched, v) < 0)
                return 0;
        }
    }
    return 1;
}

/* A rule "breaks when v <op> limit": passes when the comparison is certainly false. */
static int
holds_against(PyObject *v, PyObject *limit, int op)
{
    if (limit == Py_None)
        return 1;
    int broken = PyObject_RichCompareBool(v, limit, op);
    return broken == 0;
}

static int
check_number(FieldSpec *f, PyObject *v)
{
    return holds_against(v, f->minimum, Py_LT) && holds_against(v, f->maximum, Py_GT) &&
           holds_against(v, f->minimum_ex, Py_LE) && holds_against(v, f->maximum_ex, Py_GE);
}

static int
relative_path(PyObject *s)
{
    /* '..' not in s and s[:1] not in ('/', '\\') and s[1:2] != ':' */
    if (!PyUnicode_CheckExact(s))
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    Py_ssize_t found = PyUnicode_Find(s, str_dotdot, 0, n, 1);
    if (found != -1)
        return 0; /* found, or an error (-2) */
    if (n >= 1) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, 0);
        if (c == '/' || c == '\\')
            return 0;
    }
    if (n >= 2 && PyUnicode_READ_CHAR(s, 1) == ':')
        return 0;
    return 1;
}

static int
run_check(CheckSpec *c, PyObject *obj)
{
    PyObject *v[MAX_OFFSETS];
    for (int i = 0; i < c->n; i++) {
        v[i] = SLOT(obj, c->offsets[i]);
        if (v[i] == NULL)
            return 0;
    }
    switch (c->op) {
    case OP_EXACTLY_ONE: {
        int given = 0;
        for (int i = 0; i < c->n; i++)
            given += v[i] != Py_None;
        return given == 1;
    }
    case OP_REQUIRES: /* v0 given -> v1 given */
        return v[0] == Py_None || v[1] != Py_None;
    case OP_EXCLUDES: /* v0 given -> v1 not given */
        return v[0] == Py_None || v[1] == Py_None;
    case OP_RELATIVE_PATH:
        for (int i = 0; i < c->n; i++)
            if (v[i] != Py_None && !relative_path(v[i]))
                return 0;
        return 1;
    case OP_NON_NEGATIVE:
        for (int i = 0; i < c->n; i++) {
            if (v[i] == Py_None)
                continue;
            if (!PyDelta_CheckExact(v[i]) && (PyObject *)Py_TYPE(v[i]) != wire_duration_type)
                return 0;
            if (PyDateTime_DELTA_GET_DAYS(v[i]) < 0)
                return 0;
        }
        return 1;
    case OP_UNIQUE: { /* len({item.x for item in v0}) == len(v0) */
        if (v[0] == Py_None)
            return 1;
        if (!PyList_CheckExact(v[0]) && !PyTuple_CheckExact(v[0]))
            return 0;
        PyObject *seq = v[0];
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (n < 2)
            return 1;
        /* a dict sized for n keys up front: a set would be rehashed again and again as it grows,
           which costs more than the inserts themselves once the names outgrow the CPU caches */
        PyObject *seen = _PyDict_NewPresized(n);
        if (seen == NULL)
            return 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *x = SLOT(PySequence_Fast_GET_ITEM(seq, i), c->item_offset);
            if (x == NULL || !PyUnicode_CheckExact(x) || PyDict_SetItem(seen, x, Py_None) < 0) {
                Py_DECREF(seen);
                return 0;
            }
        }
        int ok = PyDict_GET_SIZE(seen) == n;
        Py_DECREF(seen);
        return ok;
    }
    }
    return 0;
}

/* ---- serialize / validate / as_dict ------------------------------------------------------------ */

static PyObject *walk(PlanObject *p, PyObject *obj, const Mode *m, int build);

static PyObject *
dump_duration(PyObject *v, int build)
{
    if (PyDelta_CheckExact(v)) {
        if (!build)
            return Py_NewRef(Py_None);
        PyObject *text = PyDict_GetItemWithError(format_cache, v);
        if (text != NULL)
            return Py_NewRef(text);
        if (PyErr_Occurred())
            return NULL;
        return PyObject_CallOneArg(format_duration, v);
    }
    if ((PyObject *)Py_TYPE(v) == wire_duration_type) {
        PyObject *text = PyObject_GetAttr(v, str_wire_text);
        if (text != NULL && !PyUnicode_CheckExact(text))
            Py_CLEAR(text);
        return text;
    }
    return NULL;
}

/* The wire value of one field's value, or NULL to give up. */
static PyObject *
dump_value(FieldSpec *f, PyObject *v, const Mode *m, int build)
{
    switch (f->kind) {
    case K_STR:
        if (!PyUnicode_CheckExact(v) || (m->strict && !f->readonly && !check_str(f, v)))
            return NULL;
        return Py_NewRef(v);
    case K_INT:
        if (!PyLong_CheckExact(v) || (m->strict && !f->readonly && !check_number(f, v)))
            return NULL;
        return Py_NewRef(v);
    case K_BOOL:
        return (v == Py_True || v == Py_False) ? Py_NewRef(v) : NULL;
    case K_DURATION:
        return dump_duration(v, build);
    case K_ENUM: {
        /* a member of the field's enum, or any text: known text as it is, other text (another letter
           case, a value from a newer service) as the Python dumper writes it */
        if (!PyUnicode_CheckExact(v) && (PyObject *)Py_TYPE(v) != f->enum_cls)
            return NULL;
        if (!build)
            return Py_NewRef(Py_None);
        PyObject *text = PyDict_GetItemWithError(f->enum_dump, v);
        if (text != NULL)
            return Py_NewRef(text);
        if (PyErr_Occurred())
            return NULL;
        return PyObject_CallOneArg(f->enum_dumper, v);
    }
    case K_MODEL:
        if (Py_TYPE(v) != f->child->cls)
            return NULL;
        return walk(f->child, v, m, build);
    case K_LIST_MODEL: {
        if (!PyList_CheckExact(v) && !PyTuple_CheckExact(v))
            return NULL;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        PyObject *out = build ? PyList_New(n) : NULL;
        if (build && out == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i >= PySequence_Fast_GET_SIZE(v)) { /* the list shrank under a callback */
                Py_XDECREF(out);
                return NULL;
            }
            /* held while walked: a callback can let another thread change the list */
            PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(v, i));
            PyObject *w = Py_TYPE(item) == f->child->cls ? walk(f->child, item, m, build) : NULL;
            Py_DECREF(item);
            if (w == NULL) {
                Py_XDECREF(out);
                return NULL;
            }
            if (build)
                PyList_SET_ITEM(out, i, w);
            else
                Py_DECREF(w);
        }
        return build ? out : Py_NewRef(Py_None);
    }
    }
    return NULL;
}

static PyObject *
walk(PlanObject *p, PyObject *obj, const Mode *m, int build)
{
    if (Py_EnterRecursiveCall(" while serializing a batchprep model"))
        return NULL;
    PyObject *out = NULL;
    if (build) {
        /* sized to the values present: a dict sized for every field of a sparse object wastes memory */
        Py_ssize_t present = 0;
        for (Py_ssize_t i = 0; i < p->nfields; i++) {
            PyObject *v = SLOT(obj, p->fields[i].offset);
            present += v != NULL && v != Py_None;
        }
        if ((out = _PyDict_NewPresized(present)) == NULL)
            goto fail;
    }
    for (Py_ssize_t i = 0; i < p->nfields; i++) {
        FieldSpec *f = &p->fields[i];
        PyObject *v = SLOT(obj, f->offset);
        if (v == NULL)
            goto fail; /* never set: AttributeError in Python */
        if (v == Py_None) {
            if (f->required && m->strict)
                goto fail;
            continue;
        }
        int write = build && !(f->readonly && !m->keep_readonly);
        Py_INCREF(v); /* a callback could replace the attribute */
        PyObject *w = dump_value(f, v, m, write);
        Py_DECREF(v);
        if (w == NULL)
            goto fail;
        int err = write ? PyDict_SetItem(out, m->attr_keys ? f->attr_key : f->wire_key, w) : 0;
        Py_DECREF(w);
        if (err < 0)
            goto fail;
    }
    if (m->strict)
        for (Py_ssize_t i = 0; i < p->nchecks; i++)
            if (!run_check(&p->checks[i], obj))
                goto fail;
    if (m->additional < 0 ? p->send_additional : m->additional) {
        PyObject *extra = SLOT(obj, p->extra_offset);
        if (extra == NULL || (extra != Py_None && !(PyDict_CheckExact(extra) && PyDict_GET_SIZE(extra) == 0)))
            goto fail; /* properties to send: the Python function writes them */
    }
    Py_LeaveRecursiveCall();
    return build ? out : Py_NewRef(Py_None);
fail:
    Py_LeaveRecursiveCall();
    Py_XDECREF(out);
    return NULL;
}

/* ---- deserialize / from_dict ----------------------------------------------------------------- */

static PyObject *load(PlanObject *p, PyObject *data, const Mode *m);

static PyObject *
load_value(FieldSpec *f, PyObject *v, const Mode *m)
{
    switch (f->kind) {
    case K_STR:
        return PyUnicode_Check(v) ? Py_NewRef(v) : NULL;
    case K_INT:
        return PyLong_CheckExact(v) ? Py_NewRef(v) : NULL;
    case K_BOOL:
        return (v == Py_True || v == Py_False) ? Py_NewRef(v) : NULL;
    case K_DURATION:
        if (PyUnicode_CheckExact(v)) {
            PyObject *known = PyDict_GetItemWithError(parsed_cache, v);
            if (known != NULL)
                return Py_NewRef(known);
            if (PyErr_Occurred())
                return NULL;
        }
        return PyObject_CallOneArg(load_duration, v);
    case K_ENUM:
        if (PyUnicode_CheckExact(v)) {
            PyObject *member = PyDict_GetItemWithError(f->enum_load, v);
            if (member != NULL)
                return Py_NewRef(member);
            if (PyErr_Occurred())
                return NULL;
        }
        return PyObject_CallOneArg(f->enum_loader, v);
    case K_MODEL:
        return load(f->child, v, m);
    case K_LIST_MODEL: {
        if (!PyList_CheckExact(v))
            return NULL;
        Py_ssize_t n = PyList_GET_SIZE(v);
        PyObject *out = PyList_New(n);
        if (out == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i >= PyList_GET_SIZE(v)) { /* the list shrank under a callback */
                Py_DECREF(out);
                return NULL;
            }
            PyObject *source = Py_NewRef(PyList_GET_ITEM(v, i));
            PyObject *item = load(f->child, source, m);
            Py_DECREF(source);
            if (item == NULL) {
                Py_DECREF(out);
                return NULL;
            }
            PyList_SET_ITEM(out, i, item);
        }
        return out;
    }
    }
    return NULL;
}

static PyObject *
lookup(PyObject *data, PyObject *key)
{
    return PyDict_GetItemWithError(data, key); /* borrowed; NULL when missing (or on error) */
}

static PyObject *
load(PlanObject *p, PyObject *data, const Mode *m)
{
    if (!PyDict_CheckExact(data))
        return NULL; /* a dict subclass, a model instance, or not an object at all */
    if (m->ci) {
        /* msrest's case-insensitive lookups; here only when every key is spelt exactly */
        if (!p->ci_ok)
            return NULL;
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(data, &pos, &key, &value))
            if (!PyUnicode_CheckExact(key) || PySet_Contains(p->exact, key) != 1)
                return NULL;
    }
    if (Py_EnterRecursiveCall(" while deserializing a batchprep model"))
        return NULL;
    PyObject *obj = p->cls->tp_alloc(p->cls, 0);
    if (obj == NULL)
        goto fail;
    Py_ssize_t found = 0;
    for (Py_ssize_t i = 0; i < p->nfields; i++) {
        FieldSpec *f = &p->fields[i];
        PyObject *v;
        if (m->ci) {
            v = lookup(data, f->attr_key);
            if ((v == NULL || v == Py_None) && f->attr_key != f->wire_key && !PyErr_Occurred())
                v = lookup(data, f->wire_key);
        }
        else {
            v = lookup(data, f->wire_key);
            found += v != NULL;
        }
        if (v == NULL && PyErr_Occurred())
            goto fail;
        PyObject *w;
        if (v == NULL || v == Py_None)
            w = Py_NewRef(Py_None);
        else {
            Py_INCREF(v); /* held while read: a callback can let another thread change the document */
            w = load_value(f, v, m);
            Py_DECREF(v);
        }
        if (w == NULL)
            goto fail;
        SLOT(obj, f->offset) = w;
    }
    PyObject *extra = NULL;
    if (m->ci || found != PyDict_GET_SIZE(data)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(data, &pos, &key, &value)) {
            if (!PyUnicode_CheckExact(key))
                goto fail_extra; /* a key whose hash or == is Python code: the Python reader takes it */
            int known = PySet_Contains(p->known, key);
            if (known < 0)
                goto fail_extra;
            if (known)
                continue;
            if (extra == NULL && (extra = PyDict_New()) == NULL)
                goto fail;
            if (PyDict_SetItem(extra, key, value) < 0)
                goto fail_extra;
        }
    }
    SLOT(obj, p->extra_offset) = extra ? extra : Py_NewRef(Py_None);
    Py_LeaveRecursiveCall();
    return obj;
fail_extra:
    Py_XDECREF(extra);
fail:
    Py_LeaveRecursiveCall();
    Py_XDECREF(obj);
    return NULL;
}

/* ---- codecs ---------------------------------------------------------------------------------- */

/* The compiled answer, or NULL (exception state unspecified) to ask the Python function. */
static PyObject *
native(CodecObject *c, PyObject *arg)
{
    switch (c->op) {
    case C_SERIALIZE:
        return Py_TYPE(arg) == c->plan->cls ? walk(c->plan, arg, &c->mode, 1) : NULL;
    case C_VALIDATE: {
        if (Py_TYPE(arg) != c->plan->cls)
            return NULL;
        PyObject *r = walk(c->plan, arg, &c->mode, 0);
        if (r == NULL)
            return NULL;
        Py_DECREF(r);
        return Py_NewRef(Py_True);
    }
    case C_LOAD:
        return load(c->plan, arg, &c->mode);
    }
    return NULL;
}

/* KeyboardInterrupt or SystemExit raised in a callback: never swallowed by giving up. */
static int
interrupted(void)
{
    return PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_Exception);
}

static PyObject *
codec_vectorcall(CodecObject *c, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) == 1 && kwnames == NULL) {
        PyObject *r = native(c, args[0]);
        if (r != NULL || interrupted())
            return r;
        PyErr_Clear();
    }
    return PyObject_Vectorcall(c->wrapped, args, nargsf, kwnames);
}

static PyObject *
codec_native(CodecObject *c, PyObject *arg)
{
    PyObject *r = native(c, arg);
    if (r != NULL || interrupted())
        return r;
    PyErr_Clear();
    Py_RETURN_NOTIMPLEMENTED;
}

static PyObject *
codec_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *plan, *wrapped, *name, *qualname, *module, *doc;
    int op, attr_keys, keep_readonly, strict, additional, ci;
    static char *kwlist[] = {"plan", "op", "wrapped", "attr_keys", "keep_readonly", "strict", "additional",
                             "ci", "name", "qualname", "module", "doc", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!iOpppipUUUO:Codec", kwlist, &Plan_Type, &plan, &op,
                                     &wrapped, &attr_keys, &keep_readonly, &strict, &additional, &ci,
                                     &name, &qualname, &module, &doc))
        return NULL;
    if (op < C_SERIALIZE || op > C_LOAD) {
        PyErr_Format(PyExc_ValueError, "unknown codec operation %d", op);
        return NULL;
    }
    if (format_cache == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "batchprep._speedups.configure() has not been called");
        return NULL;
    }
    if (!PyCallable_Check(wrapped)) {
        PyErr_SetString(PyExc_TypeError, "wrapped must be the generated Python function");
        return NULL;
    }
    CodecObject *c = PyObject_GC_New(CodecObject, type);
    if (c == NULL)
        return NULL;
    c->vectorcall = (vectorcallfunc)codec_vectorcall;
    c->plan = (PlanObject *)Py_NewRef(plan);
    c->op = op;
    c->mode = (Mode){.build = op != C_VALIDATE, .attr_keys = attr_keys, .keep_readonly = keep_readonly,
                     .strict = strict, .additional = additional, .ci = ci};
    c->wrapped = Py_NewRef(wrapped);
    c->name = Py_NewRef(name);
    c->qualname = Py_NewRef(qualname);
    c->module = Py_NewRef(module);
    c->doc = Py_NewRef(doc);
    PyObject_GC_Track(c);
    return (PyObject *)c;
}

static int
codec_clear(CodecObject *c)
{
    Py_CLEAR(c->plan);
    Py_CLEAR(c->wrapped);
    Py_CLEAR(c->name);
    Py_CLEAR(c->qualname);
    Py_CLEAR(c->module);
    Py_CLEAR(c->doc);
    return 0;
}

static int
codec_traverse(CodecObject *c, visitproc visit, void *arg)
{
    Py_VISIT(c->plan);
    Py_VISIT(c->wrapped);
    Py_VISIT(c->doc);
    return 0;
}

static void
codec_dealloc(CodecObject *c)
{
    PyObject_GC_UnTrack(c);
    codec_clear(c);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static PyObject *
codec_repr(CodecObject *c)
{
    return PyUnicode_FromFormat("<compiled %U of %U, falls back to %R>", c->name, c->qualname, c->wrapped);
}

static PyObject *
codec_get_plan(CodecObject *c, void *closure)
{
    return Py_NewRef(c->plan);
}

static PyMethodDef codec_methods[] = {
    {"native", (PyCFunction)codec_native, METH_O,
     "The compiled answer alone: NotImplemented where the wrapped Python function would be asked."},
    {NULL},
};

static PyMemberDef codec_members[] = {
    {"__wrapped__", T_OBJECT, offsetof(CodecObject, wrapped), READONLY,
     "The generated Python function: the definition, asked whenever the compiled walk is not certain."},
    {"__name__", T_OBJECT, offsetof(CodecObject, name), READONLY, NULL},
    {"__qualname__", T_OBJECT, offsetof(CodecObject, qualname), READONLY, NULL},
    {"__module__", T_OBJECT, offsetof(CodecObject, module), READONLY, NULL},
    {"__doc__", T_OBJECT, offsetof(CodecObject, doc), READONLY, NULL},
    {NULL},
};

static PyGetSetDef codec_getset[] = {
    {"plan", (getter)codec_get_plan, NULL, "The plan the codec walks.", NULL},
    {NULL},
};

static PyTypeObject Codec_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "batchprep._speedups.Codec",
    .tp_doc = "A compiled codec: walks a plan, or calls the generated Python function it wraps.",
    .tp_basicsize = sizeof(CodecObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = codec_new,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(CodecObject, vectorcall),
    .tp_dealloc = (destructor)codec_dealloc,
    .tp_traverse = (traverseproc)codec_traverse,
    .tp_clear = (inquiry)codec_clear,
    .tp_repr = (reprfunc)codec_repr,
    .tp_methods = codec_methods,
    .tp_members = codec_members,
    .tp_getset = codec_getset,
};

/* ---- module ---------------------------------------------------------------------------------- */

static PyObject *
configure(PyObject *module, PyObject *args, PyObject *kwds)
{
    PyObject *fc, *fd, *pc, *ld, *wd;
    static char *kwlist[] = {"format_cache", "format_duration", "parsed_cache", "load_duration", "wire_duration", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!OO!:configure", kwlist, &PyDict_Type, &fc, &fd,
                                     &PyDict_Type, &pc, &ld, &PyType_Type, &wd))
        return NULL;
    Py_XSETREF(format_cache, Py_NewRef(fc));
    Py_XSETREF(format_duration, Py_NewRef(fd));
    Py_XSETREF(parsed_cache, Py_NewRef(pc));
    Py_XSETREF(load_duration, Py_NewRef(ld));
    Py_XSETREF(wire_duration_type, Py_NewRef(wd));
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "Hand over batchprep.durations' caches and helpers (called once, by batchprep._codegen.native)."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "batchprep._speedups",
    .m_doc = "Compiled fast paths for batchprep's codecs (see src/batchprep/_codegen/native.py).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    str_wire_text = PyUnicode_InternFromString("wire_text");
    str_dotdot = PyUnicode_InternFromString("..");
    if (str_wire_text == NULL || str_dotdot == NULL)
        return NULL;
    if (PyType_Ready(&Plan_Type) < 0 || PyType_Ready(&Codec_Type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "ABI_VERSION", ABI_VERSION) < 0 ||
        PyModule_AddIntConstant(m, "STR", K_STR) < 0 || PyModule_AddIntConstant(m, "INT", K_INT) < 0 ||
        PyModule_AddIntConstant(m, "BOOL", K_BOOL) < 0 || PyModule_AddIntConstant(m, "DURATION", K_DURATION) < 0 ||
        PyModule_AddIntConstant(m, "ENUM", K_ENUM) < 0 || PyModule_AddIntConstant(m, "MODEL", K_MODEL) < 0 ||
        PyModule_AddIntConstant(m, "LIST_MODEL", K_LIST_MODEL) < 0 ||
        PyModule_AddIntConstant(m, "EXACTLY_ONE", OP_EXACTLY_ONE) < 0 ||
        PyModule_AddIntConstant(m, "REQUIRES", OP_REQUIRES) < 0 ||
        PyModule_AddIntConstant(m, "EXCLUDES", OP_EXCLUDES) < 0 ||
        PyModule_AddIntConstant(m, "RELATIVE_PATH", OP_RELATIVE_PATH) < 0 ||
        PyModule_AddIntConstant(m, "UNIQUE", OP_UNIQUE) < 0 ||
        PyModule_AddIntConstant(m, "NON_NEGATIVE", OP_NON_NEGATIVE) < 0 ||
        PyModule_AddIntConstant(m, "SERIALIZE", C_SERIALIZE) < 0 ||
        PyModule_AddIntConstant(m, "VALIDATE", C_VALIDATE) < 0 || PyModule_AddIntConstant(m, "LOAD", C_LOAD) < 0 ||
        PyModule_AddObjectRef(m, "Plan", (PyObject *)&Plan_Type) < 0 ||
        PyModule_AddObjectRef(m, "Codec", (PyObject *)&Codec_Type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
