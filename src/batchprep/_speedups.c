/* batchprep._speedups: the compiled fast paths of serialize(), validate(), as_dict(), deserialize()
 * and from_dict().
 *
 * Python builds a *plan* per model class from the same declarations the generated Python functions
 * come from (src/batchprep/_codegen/native.py): for each field its slot offset, keys, kind, rules and
 * the plan of its nested model class; for the class, its service rules as a few opcodes.  A *codec*
 * walks a tree along the plans.
 *
 * Rule 1, the answer: when the walk meets anything it does not know for certain (a subclass, a str
 * subclass, a value of the wrong type, a broken rule, an unknown enum value, additional properties to
 * send, an exception from a callback, a class changed since its plan was built...), it gives up and
 * the codec calls the generated Python function it wraps (its ``__wrapped__``), which gives the
 * answer, the error and its message.  So this file only ever accepts what the Python function
 * accepts, and returns what it returns; tests/test_speedups.py checks both halves with hypothesis.
 *
 * Rule 2, memory: AFTER ANY POINT WHERE PYTHON CODE CAN RUN, NOTHING READ BEFORE IT IS TRUSTED.
 * Python code runs in a callback (a pattern, an enum, duration or timestamp helper, an attribute of a
 * WireDuration, a tzinfo that is not a datetime.timezone: never called here), in a hash or a
 * comparison that is not of an exact str, int or timedelta, and in any allocation of a
 * garbage-collected object (a dict, a list, a model object), which may start a collection that runs
 * finalizers (datetime, timedelta, timezone and str objects are not garbage-collected).  Python code can reassign any attribute, change any list or dict,
 * and, on another thread, do so at any of those points.  Therefore:
 *   - every object the walk goes on using across such a point is held by a strong reference it owns
 *     (a slot value while it is walked, a list item, a document value, a list read by a rule);
 *   - a value is type-checked where it is read, never earlier: each object is checked against its
 *     plan (exact class, unchanged since the plan was built) when its slots are about to be read, and
 *     each item of a list when it is taken;
 *   - sizes are read again after such a point (a list can shrink), and a list under construction is
 *     not visible to the collector while it has empty places (a model object under construction may
 *     be: an empty slot of it is an unset attribute, and a slot is stored with Py_XSETREF);
 *   - plans and their inputs are checked when the plan is built (slots of the plan's own class,
 *     inside its layout; rules with the operands they read; limits the walk compares in C), so
 *     nothing is validated at walk time that could have been refused before.
 * Plans are immutable once built, and each walk holds its plan; the configured helpers are held
 * while they are called.
 *
 * Classes that change: a plan records its class's version tag (CPython gives a type a new tag
 * whenever it or one of its bases is changed: an attribute set or deleted, a property or
 * __getattribute__ put over a field, its bases reassigned).  The walk compares the tag of each
 * object's class with the plan's, and on a difference it gives up, marks its codec stale (the codec
 * asks Python from then on) and tells batchprep._codegen.native, which drops the compiled codecs so
 * that they are built again, with fresh plans, for the class as it is now.  The check is made once
 * per object, before its slots are read; a class changed by a callback while one of its objects is
 * being walked is noticed at the next call (memory stays safe: a class's layout, hence the slots'
 * places, cannot change, and __class__ can only be assigned between classes of the same layout).
 *
 * Threads: the module relies on the GIL (borrowed references from dicts and lists, shared caches),
 * and says so (Py_mod_gil = Py_MOD_GIL_USED): a free-threaded interpreter enables the GIL when it
 * imports it.  It holds process-wide state (static types, the configured helpers), so it refuses to
 * load in a subinterpreter; batchprep then uses its Python functions there.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <datetime.h>

/* Bumped whenever the plan format changes; batchprep._codegen.native refuses a stale build. */
#define ABI_VERSION 4

enum kind { K_STR = 1, K_INT, K_BOOL, K_DURATION, K_ENUM, K_MODEL, K_LIST_MODEL, K_TIMESTAMP, K_LAST = K_TIMESTAMP };
enum check_op {
    OP_EXACTLY_ONE = 1, OP_REQUIRES, OP_EXCLUDES, OP_RELATIVE_PATH, OP_UNIQUE, OP_DURATION_RANGE, OP_FILE_NAME
};
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
    PyObject *minimum, *maximum, *minimum_ex, *maximum_ex; /* exact int or float, or None */
    PyObject *enum_cls;    /* K_ENUM: the enum class */
    PyObject *enum_dump;   /* K_ENUM: private dict, exact str -> exact str */
    PyObject *enum_dumper; /* K_ENUM: callable, any other value -> its REST text */
    PyObject *enum_load;   /* K_ENUM: private dict, exact str -> member */
    PyObject *enum_loader; /* K_ENUM: callable, any other text -> member or text */
    PlanObject *child;     /* K_MODEL, K_LIST_MODEL */
} FieldSpec;

/* A timedelta limit, as its normalised fields (days, then 0 <= seconds < 86400, 0 <= us < 10**6): two
   timedeltas compare as these triples do, in C. */
typedef struct {
    int set;
    int days, seconds, us;
} Bound;

typedef struct {
    int op;
    int n;
    Py_ssize_t offsets[MAX_OFFSETS]; /* slots of fields of the plan */
    Py_ssize_t item_offset;          /* OP_UNIQUE: the slot read from each item */
    PlanObject *items;               /* OP_UNIQUE: the plan of the list's items */
    Bound low, high;                 /* OP_DURATION_RANGE: the limits, either may be unset */
} CheckSpec;

struct PlanObject {
    PyObject_HEAD
    PyTypeObject *cls;    /* NULL once cleared by the collector */
    unsigned int tag;     /* cls->tp_version_tag when the plan was built; never 0 */
    Py_ssize_t extra_offset;
    int send_additional;
    int ci_ok;            /* no two spellings fold to the same text */
    PyObject *known;      /* frozenset of REST keys (exact str) */
    PyObject *exact;      /* frozenset of REST keys and attribute names (exact str) */
    Py_ssize_t nfields, nchecks;
    FieldSpec *fields;
    CheckSpec *checks;
};

typedef struct {
    int build, attr_keys, keep_readonly, strict, additional, ci;
} Mode;

/* One walk: its mode, and whether it met a class changed since its plan was built. */
typedef struct {
    const Mode *m;
    int stale;
} Walk;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PlanObject *plan;
    int op;
    int stale;            /* a class of the plan changed: always ask the Python function */
    Mode mode;
    PyObject *wrapped, *name, *qualname, *module, *doc;
} CodecObject;

static PyTypeObject Plan_Type, Codec_Type;

/* Set by configure(): the duration helpers shared with batchprep.durations, the timestamp reader of
   batchprep._primitives (for the text this file does not parse itself), and who to tell about a
   changed class.  Replaced only by configure(); held while called. */
static PyObject *format_cache, *format_duration, *parsed_cache, *load_duration, *wire_duration_type;
static PyObject *load_timestamp;
static PyObject *on_stale;
static PyObject *str_wire_text, *str_init, *str_utcoffset;
/* datetime.timezone: an immutable static type that cannot be subclassed, whose utcoffset() is C */
static PyTypeObject *timezone_type;

/* ---- classes and their version tags --------------------------------------------------------- */

/* The version tag of cls, assigned now if it has none; 0 when CPython cannot give it one. */
static unsigned int
version_tag_of(PyTypeObject *cls)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Type_AssignVersionTag(cls))
        return 0;
    return cls->tp_version_tag;
#else
    /* 3.11 has no call for it; a method cache lookup assigns the tag (and those of the bases) */
    (void)_PyType_Lookup(cls, str_init);
    if (!PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG))
        return 0;
    return cls->tp_version_tag;
#endif
}

/* Whether obj is exactly the plan's class, unchanged since the plan was built (notes it if changed).
   Called where the object's slots are about to be read. */
static inline int
takes(PlanObject *p, PyObject *obj, Walk *w)
{
    if (Py_TYPE(obj) != p->cls) /* also when the plan was cleared (cls NULL) */
        return 0;
    if (p->cls->tp_version_tag != p->tag) {
        w->stale = 1;
        return 0;
    }
    return 1;
}

/* ---- plans ------------------------------------------------------------------------------------ */

/* The offset of a writable object slot of cls (or of a base of cls), inside cls's layout. */
static int
slot_of(PyTypeObject *cls, PyObject *descr, Py_ssize_t *offset)
{
    if (!Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "expected a slot descriptor of %s, got %R", cls->tp_name, descr);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    PyTypeObject *owner = PyDescr_TYPE(descr);
    if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
        PyErr_Format(PyExc_TypeError, "%R is not a writable object slot", descr);
        return -1;
    }
    if (owner == NULL || !PyType_IsSubtype(cls, owner)) {
        PyErr_Format(PyExc_TypeError, "%R is not a slot of %s or of one of its bases", descr, cls->tp_name);
        return -1;
    }
    Py_ssize_t off = member->offset;
    if (off < (Py_ssize_t)sizeof(PyObject) || off > cls->tp_basicsize - (Py_ssize_t)sizeof(PyObject *) ||
        off % (Py_ssize_t)sizeof(PyObject *) != 0) {
        PyErr_Format(PyExc_ValueError, "%R lies outside the layout of %s", descr, cls->tp_name);
        return -1;
    }
    *offset = off;
    return 0;
}

/* A class the walk may create and whose slots it may read and write directly. */
static int
walkable(PyTypeObject *cls)
{
    if (cls->tp_itemsize != 0 || cls->tp_new != PyBaseObject_Type.tp_new || cls->tp_alloc != PyType_GenericAlloc ||
        cls->tp_getattro != PyObject_GenericGetAttr || cls->tp_setattro != PyObject_GenericSetAttr) {
        PyErr_Format(PyExc_TypeError,
                     "%s creates, reads or sets its attributes its own way: the compiled walk cannot take it",
                     cls->tp_name);
        return 0;
    }
    return 1;
}

static int
is_limit(PyObject *v)
{
    return v == Py_None || PyLong_CheckExact(v) || PyFloat_CheckExact(v); /* compared in C, never in Python */
}

/* 1: every element is an exact str; 0: not; -1: an error. */
static int
all_exact_str(PyObject *set)
{
    PyObject *it = PyObject_GetIter(set), *key;
    if (it == NULL)
        return -1;
    int ok = 1;
    while (ok && (key = PyIter_Next(it)) != NULL) {
        ok = PyUnicode_CheckExact(key);
        Py_DECREF(key);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : ok;
}

/* A private copy of an enum table: exact str keys, and exact str values when text_values. */
static PyObject *
enum_table(PyObject *table, int text_values)
{
    if (!PyDict_CheckExact(table))
        return NULL;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(table, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key) || (text_values && !PyUnicode_CheckExact(value)))
            return NULL;
    return PyDict_Copy(table);
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
    for (Py_ssize_t i = 0; i < p->nchecks; i++)
        Py_CLEAR(p->checks[i].items);
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
        Py_VISIT(f->minimum);
        Py_VISIT(f->maximum);
        Py_VISIT(f->minimum_ex);
        Py_VISIT(f->maximum_ex);
        Py_VISIT(f->enum_cls);
        Py_VISIT(f->enum_dump);
        Py_VISIT(f->enum_dumper);
        Py_VISIT(f->enum_load);
        Py_VISIT(f->enum_loader);
        Py_VISIT(f->child);
    }
    for (Py_ssize_t i = 0; i < p->nchecks; i++)
        Py_VISIT(p->checks[i].items);
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
parse_field(PlanObject *p, FieldSpec *f, PyObject *spec)
{
    PyObject *descr, *wire, *attr, *pattern, *minimum, *maximum, *minimum_ex, *maximum_ex;
    PyObject *enum_cls, *enum_dump, *enum_dumper, *enum_load, *enum_loader, *child;
    if (!PyTuple_Check(spec)) {
        PyErr_Format(PyExc_TypeError, "a field spec is a tuple, not %R", spec);
        return -1;
    }
    if (!PyArg_ParseTuple(spec, "OUUippnnOOOOOOOOOOO;a field spec", &descr, &wire, &attr, &f->kind,
                          &f->required, &f->readonly, &f->min_length, &f->max_length, &pattern, &minimum,
                          &maximum, &minimum_ex, &maximum_ex, &enum_cls, &enum_dump, &enum_dumper,
                          &enum_load, &enum_loader, &child))
        return -1;
    if (slot_of(p->cls, descr, &f->offset) < 0)
        return -1;
    if (f->kind < K_STR || f->kind > K_LAST) {
        PyErr_Format(PyExc_ValueError, "unknown field kind %d", f->kind);
        return -1;
    }
    if (!PyUnicode_CheckExact(wire) || !PyUnicode_CheckExact(attr)) {
        PyErr_SetString(PyExc_TypeError, "a field's keys are exact str");
        return -1;
    }
    if (f->min_length < -1 || f->max_length < -1) {
        PyErr_SetString(PyExc_ValueError, "a length limit is -1 (none) or more");
        return -1;
    }
    if (pattern != Py_None && !PyCallable_Check(pattern)) {
        PyErr_SetString(PyExc_TypeError, "a pattern is a callable or None");
        return -1;
    }
    if (!is_limit(minimum) || !is_limit(maximum) || !is_limit(minimum_ex) || !is_limit(maximum_ex)) {
        PyErr_SetString(PyExc_TypeError, "a numeric limit is an int, a float or None");
        return -1;
    }
    int nested = f->kind == K_MODEL || f->kind == K_LIST_MODEL;
    if (nested != Py_IS_TYPE(child, &Plan_Type) || (!nested && child != Py_None)) {
        PyErr_SetString(PyExc_TypeError, "a model field needs the plan of its class, and only it");
        return -1;
    }
    if (f->kind == K_ENUM) {
        if (!PyType_Check(enum_cls) || !PyCallable_Check(enum_dumper) || !PyCallable_Check(enum_loader)) {
            PyErr_SetString(PyExc_TypeError, "an enum field needs its class, and a dict and a function each way");
            return -1;
        }
        if ((f->enum_dump = enum_table(enum_dump, 1)) == NULL || (f->enum_load = enum_table(enum_load, 0)) == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "an enum field's tables are dicts keyed by str (text to text, text to member)");
            return -1;
        }
        f->enum_cls = Py_NewRef(enum_cls);
        f->enum_dumper = Py_NewRef(enum_dumper);
        f->enum_loader = Py_NewRef(enum_loader);
    }
    else if (enum_cls != Py_None || enum_dump != Py_None || enum_dumper != Py_None || enum_load != Py_None ||
             enum_loader != Py_None) {
        PyErr_SetString(PyExc_TypeError, "only an enum field has enum tables");
        return -1;
    }
    if (nested && ((PlanObject *)child)->cls == NULL) {
        PyErr_SetString(PyExc_ValueError, "the plan of a nested class has been cleared");
        return -1;
    }
    Py_INCREF(wire);
    PyUnicode_InternInPlace(&wire);
    f->wire_key = wire;
    Py_INCREF(attr);
    PyUnicode_InternInPlace(&attr);
    f->attr_key = attr;
    f->pattern = Py_NewRef(pattern);
    if ((f->matched = PySet_New(NULL)) == NULL)
        return -1;
    f->minimum = Py_NewRef(minimum);
    f->maximum = Py_NewRef(maximum);
    f->minimum_ex = Py_NewRef(minimum_ex);
    f->maximum_ex = Py_NewRef(maximum_ex);
    f->child = nested ? (PlanObject *)Py_NewRef(child) : NULL;
    return 0;
}

/* The field of p whose slot is at offset, or NULL. */
static FieldSpec *
field_at(PlanObject *p, Py_ssize_t offset)
{
    for (Py_ssize_t i = 0; i < p->nfields; i++)
        if (p->fields[i].offset == offset)
            return &p->fields[i];
    return NULL;
}

/* The fields of a timedelta (exact, or a subclass: its fields are C, read without running any code). */
static Bound
bound_of(PyObject *delta)
{
    return (Bound){.set = 1, .days = PyDateTime_DELTA_GET_DAYS(delta), .seconds = PyDateTime_DELTA_GET_SECONDS(delta),
                   .us = PyDateTime_DELTA_GET_MICROSECONDS(delta)};
}

/* -1, 0 or 1 as the duration a is shorter than, as long as or longer than b. */
static int
bound_cmp(Bound a, Bound b)
{
    if (a.days != b.days)
        return a.days < b.days ? -1 : 1;
    if (a.seconds != b.seconds)
        return a.seconds < b.seconds ? -1 : 1;
    return a.us < b.us ? -1 : a.us > b.us;
}

/* A duration limit of a check spec: an exact timedelta (read here, once) or None. */
static int
parse_bound(PyObject *limit, Bound *b)
{
    if (limit == Py_None) {
        b->set = 0;
        return 0;
    }
    if (!PyDelta_CheckExact(limit)) {
        PyErr_Format(PyExc_TypeError, "a duration range's limits are datetime.timedelta values or None, not %R",
                     limit);
        return -1;
    }
    *b = bound_of(limit);
    return 0;
}

static int
parse_check(PlanObject *p, CheckSpec *c, PyObject *spec)
{
    PyObject *descrs, *item_descr, *params;
    if (!PyTuple_Check(spec)) {
        PyErr_Format(PyExc_TypeError, "a check spec is a tuple, not %R", spec);
        return -1;
    }
    if (!PyArg_ParseTuple(spec, "iO!OO!;a check spec", &c->op, &PyTuple_Type, &descrs, &item_descr, &PyTuple_Type,
                          &params))
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(descrs);
    int low, high; /* how many fields each operation reads */
    switch (c->op) {
    case OP_EXACTLY_ONE:
    case OP_RELATIVE_PATH:
    case OP_DURATION_RANGE:
        low = 1, high = MAX_OFFSETS;
        break;
    case OP_REQUIRES:
    case OP_EXCLUDES:
    case OP_FILE_NAME:
        low = high = 2;
        break;
    case OP_UNIQUE:
        low = high = 1;
        break;
    default:
        PyErr_Format(PyExc_ValueError, "unknown check opcode %d", c->op);
        return -1;
    }
    if (n < low || n > high) {
        PyErr_Format(PyExc_ValueError, "check opcode %d reads %d to %d fields, not %zd", c->op, low, high, n);
        return -1;
    }
    c->n = (int)n;
    for (int i = 0; i < c->n; i++) {
        if (slot_of(p->cls, PyTuple_GET_ITEM(descrs, i), &c->offsets[i]) < 0)
            return -1;
        if (field_at(p, c->offsets[i]) == NULL) {
            PyErr_Format(PyExc_ValueError, "a check reads %R, which is not a field of the plan", PyTuple_GET_ITEM(descrs, i));
            return -1;
        }
    }
    c->item_offset = -1;
    c->items = NULL;
    if (c->op == OP_UNIQUE) {
        FieldSpec *list = field_at(p, c->offsets[0]);
        if (list->kind != K_LIST_MODEL) {
            PyErr_SetString(PyExc_ValueError, "a unique check reads a list of models");
            return -1;
        }
        if (slot_of(list->child->cls, item_descr, &c->item_offset) < 0)
            return -1;
        c->items = (PlanObject *)Py_NewRef(list->child);
    }
    else if (item_descr != Py_None) {
        PyErr_SetString(PyExc_ValueError, "only a unique check reads a slot of each item");
        return -1;
    }
    c->low.set = c->high.set = 0;
    if (c->op == OP_DURATION_RANGE) {
        if (PyTuple_GET_SIZE(params) != 2) {
            PyErr_SetString(PyExc_ValueError, "a duration range check has two parameters, a minimum and a maximum");
            return -1;
        }
        if (parse_bound(PyTuple_GET_ITEM(params, 0), &c->low) < 0 ||
            parse_bound(PyTuple_GET_ITEM(params, 1), &c->high) < 0)
            return -1;
        if (!c->low.set && !c->high.set) {
            PyErr_SetString(PyExc_ValueError, "a duration range check has a minimum, a maximum or both");
            return -1;
        }
        if (c->low.set && c->high.set && bound_cmp(c->low, c->high) > 0) {
            PyErr_SetString(PyExc_ValueError, "a duration range check's minimum is above its maximum");
            return -1;
        }
    }
    else if (PyTuple_GET_SIZE(params) != 0) {
        PyErr_Format(PyExc_ValueError, "check opcode %d takes no parameters", c->op);
        return -1;
    }
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
    if (!walkable((PyTypeObject *)cls))
        return NULL;
    if (!PyFrozenSet_CheckExact(known) || !PyFrozenSet_CheckExact(exact) || all_exact_str(known) != 1 ||
        all_exact_str(exact) != 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "known and exact are frozensets of str");
        return NULL;
    }
    unsigned int tag = version_tag_of((PyTypeObject *)cls);
    if (tag == 0) {
        PyErr_Format(PyExc_ValueError, "%s has no version tag: the compiled walk cannot notice it change",
                     ((PyTypeObject *)cls)->tp_name);
        return NULL;
    }
    PlanObject *p = PyObject_GC_New(PlanObject, type);
    if (p == NULL)
        return NULL;
    p->cls = (PyTypeObject *)Py_NewRef(cls);
    p->tag = tag;
    p->known = Py_NewRef(known);
    p->exact = Py_NewRef(exact);
    p->send_additional = send_additional;
    p->ci_ok = ci_ok;
    p->nfields = 0;
    p->nchecks = 0;
    p->fields = PyMem_Calloc(PyTuple_GET_SIZE(fields) + 1, sizeof(FieldSpec));
    p->checks = PyMem_Calloc(PyTuple_GET_SIZE(checks) + 1, sizeof(CheckSpec));
    PyObject_GC_Track(p);
    if (p->fields == NULL || p->checks == NULL) {
        Py_DECREF(p);
        return PyErr_NoMemory();
    }
    if (slot_of(p->cls, extra_descr, &p->extra_offset) < 0)
        goto fail;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        p->nfields = i + 1;
        if (parse_field(p, &p->fields[i], PyTuple_GET_ITEM(fields, i)) < 0)
            goto fail;
        Py_ssize_t offset = p->fields[i].offset;
        if (offset == p->extra_offset || field_at(p, offset) != &p->fields[i]) {
            PyErr_SetString(PyExc_ValueError, "two fields of a plan share a slot");
            goto fail;
        }
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(checks); i++) {
        p->nchecks = i + 1;
        if (parse_check(p, &p->checks[i], PyTuple_GET_ITEM(checks, i)) < 0)
            goto fail;
    }
    if (p->cls->tp_version_tag != p->tag) { /* the arguments' own code changed the class meanwhile */
        PyErr_Format(PyExc_ValueError, "%s changed while its plan was built", p->cls->tp_name);
        goto fail;
    }
    return (PyObject *)p;
fail:
    Py_DECREF(p);
    return NULL;
}

/* Whether a class of the plan (its own, or a nested one's) changed since the plan was built. */
static int
plan_is_stale(PlanObject *p)
{
    if (p->cls == NULL || p->cls->tp_version_tag != p->tag)
        return 1;
    for (Py_ssize_t i = 0; i < p->nfields; i++)
        if (p->fields[i].child != NULL && plan_is_stale(p->fields[i].child))
            return 1;
    return 0;
}

static PyObject *
plan_get_stale(PlanObject *p, void *closure)
{
    return PyBool_FromLong(plan_is_stale(p));
}

static PyObject *
plan_repr(PlanObject *p)
{
    return PyUnicode_FromFormat("<batchprep plan of %s: %zd fields, %zd service rule checks>",
                                p->cls ? p->cls->tp_name : "?", p->nfields, p->nchecks);
}

static PyGetSetDef plan_getset[] = {
    {"stale", (getter)plan_get_stale, NULL, "Whether a class of the plan changed since the plan was built.", NULL},
    {NULL},
};

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
    .tp_getset = plan_getset,
};

/* ---- checks --------------------------------------------------------------------------------- */

/* Call a configured helper, held while it runs (a callback may configure() others in its place). */
static PyObject *
call_helper(PyObject *helper, PyObject *arg)
{
    Py_INCREF(helper);
    PyObject *r = PyObject_CallOneArg(helper, arg);
    Py_DECREF(helper);
    return r;
}

/* 1: passes, 0: give up (broken, or not certain).  v is an exact str, held by the caller. */
static int
check_str(FieldSpec *f, PyObject *v)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(v);
    if ((f->min_length >= 0 && n < f->min_length) || (f->max_length >= 0 && n > f->max_length))
        return 0;
    if (f->pattern != Py_None) {
        int known = PySet_Contains(f->matched, v); /* exact str in a set of exact str: no Python code */
        if (known < 0)
            return 0;
        if (!known) {
            PyObject *r = PyObject_CallOneArg(f->pattern, v); /* Python code: v stays held by the caller */
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

/* A rule "breaks when v <op> limit": passes when the comparison is certainly false.  v is an exact int
   and the limit an exact int or float (checked when the plan was built): compared in C. */
static int
holds_against(PyObject *v, PyObject *limit, int op)
{
    if (limit == Py_None)
        return 1;
    if (PyLong_CheckExact(v) && PyLong_CheckExact(limit)) { /* the common case, compared in C */
        int over_v, over_limit;
        long long a = PyLong_AsLongLongAndOverflow(v, &over_v), b = PyLong_AsLongLongAndOverflow(limit, &over_limit);
        if (!over_v && !over_limit) /* exact ints: no error can be set */
            switch (op) {
            case Py_LT: return !(a < b);
            case Py_GT: return !(a > b);
            case Py_LE: return !(a <= b);
            case Py_GE: return !(a >= b);
            }
    }
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
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i + 1 < n; i++) /* '..' in s, read in C */
        if (PyUnicode_READ(kind, data, i) == '.' && PyUnicode_READ(kind, data, i + 1) == '.')
            return 0;
    if (n >= 1) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, 0);
        if (c == '/' || c == '\\')
            return 0;
    }
    if (n >= 2 && PyUnicode_READ_CHAR(s, 1) == ':')
        return 0;
    return 1;
}

/* batchprep.service_rules.names_a_file: the text after the last '/' or '\\' is not '', '.' or '..'.
   Only an exact str is read (its characters are C), anything else gives up. */
static int
names_a_file(PyObject *s)
{
    if (!PyUnicode_CheckExact(s))
        return 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t end = PyUnicode_GET_LENGTH(s), start = end;
    if (end > 0) { /* a last character that is no separator and no dot ends a name that is a file's */
        Py_UCS4 last = PyUnicode_READ(kind, data, end - 1);
        if (last != '/' && last != '\\' && last != '.')
            return 1;
    }
    while (start > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, start - 1);
        if (c == '/' || c == '\\')
            break;
        start--;
    }
    Py_ssize_t n = end - start;
    if (n == 0)
        return 0;
    if (n <= 2 && PyUnicode_READ(kind, data, start) == '.' && (n == 1 || PyUnicode_READ(kind, data, start + 1) == '.'))
        return 0;
    return 1;
}

/* Whether v is a plain duration (an exact timedelta or the configured WireDuration, not a subclass of
   either, whose comparisons could be Python code) within the check's limits. */
static int
within(CheckSpec *c, PyObject *v)
{
    if (!PyDelta_CheckExact(v) && (PyObject *)Py_TYPE(v) != wire_duration_type)
        return 0;
    Bound d = bound_of(v);
    return !(c->low.set && bound_cmp(d, c->low) < 0) && !(c->high.set && bound_cmp(d, c->high) > 0);
}

/* len({item.x for item in seq}) == len(seq), for a list or tuple held by the caller. */
static int
unique_names(CheckSpec *c, PyObject *seq, Walk *w)
{
    if (seq == Py_None)
        return 1;
    if (!PyList_CheckExact(seq) && !PyTuple_CheckExact(seq))
        return 0;
    if (PySequence_Fast_GET_SIZE(seq) < 2)
        return 1;
    /* a dict sized up front: a set would be rehashed again and again as it grows, which costs more
       than the inserts themselves once the names outgrow the CPU caches */
    PyObject *seen = _PyDict_NewPresized(PySequence_Fast_GET_SIZE(seq));
    if (seen == NULL)
        return 0;
    /* That allocation may have collected garbage, and a finalizer changed the list: its size and items
       are read from here on, where no Python code runs (the items are exact model objects checked
       against their plan, the names exact str, whose hash and == are C). */
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int ok = 1;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        PyObject *name = takes(c->items, item, w) ? SLOT(item, c->item_offset) : NULL;
        ok = name != NULL && PyUnicode_CheckExact(name) && PyDict_SetItem(seen, name, Py_None) == 0;
    }
    ok = ok && PyDict_GET_SIZE(seen) == n;
    Py_DECREF(seen);
    return ok;
}

/* A service rule over obj's fields, read again here (callbacks ran since the field walk read them).
   Only the unique check allocates (and so may run Python code): it holds the list it reads; the
   other checks use each value at once, where nothing can run between the read and the use. */
static int
run_check(CheckSpec *c, PyObject *obj, Walk *w)
{
    PyObject *v[MAX_OFFSETS] = {NULL}; /* the operands: how many each operation has is checked when the plan is built */
    for (int i = 0; i < c->n; i++)
        if ((v[i] = SLOT(obj, c->offsets[i])) == NULL)
            return 0;
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
    case OP_DURATION_RANGE:
        for (int i = 0; i < c->n; i++)
            if (v[i] != Py_None && !within(c, v[i]))
                return 0;
        return 1;
    case OP_FILE_NAME: /* v0 given -> v1 not given, or names a file */
        return v[0] == Py_None || v[1] == Py_None || names_a_file(v[1]);
    case OP_UNIQUE: {
        Py_INCREF(v[0]); /* held: the check allocates, and a finalizer may replace the list meanwhile */
        int ok = unique_names(c, v[0], w);
        Py_DECREF(v[0]);
        return ok;
    }
    }
    return 0;
}

/* ---- serialize / validate / as_dict ------------------------------------------------------------ */

static PyObject *walk(PlanObject *p, PyObject *obj, Walk *w, int build);

/* A new list of n empty places, hidden from the collector (gc.get_objects()) until it is full. */
static PyObject *
new_list(Py_ssize_t n)
{
    PyObject *out = PyList_New(n);
    if (out != NULL)
        PyObject_GC_UnTrack(out);
    return out;
}

static PyObject *
full_list(PyObject *out)
{
    PyObject_GC_Track(out);
    return out;
}

/* v is held by the caller. */
static PyObject *
dump_duration(PyObject *v, int build)
{
    if (PyDelta_CheckExact(v)) {
        if (!build)
            return Py_NewRef(Py_None);
        PyObject *text = PyDict_GetItemWithError(format_cache, v); /* timedelta hash and ==: C */
        if (text != NULL)
            return Py_NewRef(text);
        if (PyErr_Occurred())
            return NULL;
        return call_helper(format_duration, v);
    }
    if ((PyObject *)Py_TYPE(v) == wire_duration_type) {
        PyObject *text = PyObject_GetAttr(v, str_wire_text);
        if (text != NULL && !PyUnicode_CheckExact(text))
            Py_CLEAR(text);
        return text;
    }
    return NULL;
}

/* ---- timestamps (iso-8601) ------------------------------------------------------------------- */

/* A moment as its calendar fields, in the proleptic Gregorian calendar of datetime. */
typedef struct {
    int year, month, day, hour, minute, second, us;
} Moment;

#define DAY_US (86400LL * 1000000)

static int
days_in_month(int year, int month)
{
    static const int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        return 29;
    return days[month];
}

/* m, written at a UTC offset of offset_us (less than a day either way), moved to UTC: what
   datetime.utctimetuple() reads.  0 when that leaves the years 1 to 9999 (Python's OverflowError). */
static int
to_utc(Moment *m, long long offset_us)
{
    if (offset_us == 0)
        return 1;
    long long t = ((m->hour * 60LL + m->minute) * 60 + m->second) * 1000000 + m->us - offset_us;
    if (t < 0) { /* the day before (|offset| < a day: one day at most) */
        t += DAY_US;
        if (--m->day < 1) {
            if (--m->month < 1) {
                m->month = 12;
                if (--m->year < 1)
                    return 0;
            }
            m->day = days_in_month(m->year, m->month);
        }
    }
    else if (t >= DAY_US) { /* the day after */
        t -= DAY_US;
        if (++m->day > days_in_month(m->year, m->month)) {
            m->day = 1;
            if (++m->month > 12) {
                m->month = 1;
                if (++m->year > 9999)
                    return 0;
            }
        }
    }
    m->us = (int)(t % 1000000);
    t /= 1000000;
    m->second = (int)(t % 60);
    t /= 60;
    m->minute = (int)(t % 60);
    m->hour = (int)(t / 60);
    return 1;
}

static char *
put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--, value /= 10)
        out[i] = (char)('0' + value % 10);
    return out + width;
}

/* batchprep._primitives.dump_iso and _check_iso: an exact datetime, naive or with a datetime.timezone,
   as "YYYY-MM-DDTHH:MM:SS.fffZ" in UTC (the fraction: its microseconds with trailing zeros dropped,
   at least three digits).  NULL to give up: another class, a tzinfo of Python code, or a moment
   outside the years 1 to 9999 in UTC.  v is held by the caller; a datetime cannot change. */
static PyObject *
dump_timestamp(PyObject *v, int build)
{
    if (!PyDateTime_CheckExact(v))
        return NULL;
    PyObject *tz = PyDateTime_DATE_GET_TZINFO(v); /* borrowed from v */
    long long offset = 0;
    if (tz != Py_None && tz != PyDateTime_TimeZone_UTC) {
        if (Py_TYPE(tz) != timezone_type)
            return NULL; /* its utcoffset() may be Python code: the Python function asks it */
        PyObject *delta = PyObject_CallMethodOneArg(tz, str_utcoffset, Py_None); /* timezone's own, in C */
        if (delta == NULL)
            return NULL;
        int plain = PyDelta_CheckExact(delta);
        if (plain)
            offset = (PyDateTime_DELTA_GET_DAYS(delta) * 86400LL + PyDateTime_DELTA_GET_SECONDS(delta)) * 1000000 +
                     PyDateTime_DELTA_GET_MICROSECONDS(delta);
        Py_DECREF(delta);
        if (!plain)
            return NULL;
    }
    Moment m = {PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v), PyDateTime_GET_DAY(v), PyDateTime_DATE_GET_HOUR(v),
                PyDateTime_DATE_GET_MINUTE(v), PyDateTime_DATE_GET_SECOND(v), PyDateTime_DATE_GET_MICROSECOND(v)};
    int fraction = m.us; /* msrest writes the value's own microseconds, whatever the offset's */
    if (!to_utc(&m, offset))
        return NULL;
    if (!build)
        return Py_NewRef(Py_None);
    char text[32], *end = text;
    end = put_digits(end, m.year, 4);
    *end++ = '-';
    end = put_digits(end, m.month, 2);
    *end++ = '-';
    end = put_digits(end, m.day, 2);
    *end++ = 'T';
    end = put_digits(end, m.hour, 2);
    *end++ = ':';
    end = put_digits(end, m.minute, 2);
    *end++ = ':';
    end = put_digits(end, m.second, 2);
    *end++ = '.';
    char digits[6];
    put_digits(digits, fraction, 6);
    int n = 6;
    while (n > 3 && digits[n - 1] == '0')
        n--;
    memcpy(end, digits, n);
    end += n;
    *end++ = 'Z';
    PyObject *out = PyUnicode_New(end - text, 127);
    if (out != NULL)
        memcpy(PyUnicode_1BYTE_DATA(out), text, end - text);
    return out;
}

/* n ASCII digits at s as a number, or -1. */
static int
read_digits(const unsigned char *s, int n)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

/* The service's forms of batchprep._primitives._load_iso, read in C: "YYYY-MM-DDTHH:MM:SS", then a
   fraction of any length (digits after the sixth dropped, as datetime.fromisoformat drops them),
   then "Z", "+HH:MM", "-HH:MM" or no zone ("T" and "Z" in either case); a real date and time whose
   moment in UTC falls in the years 1 to 9999.  The datetime _load_iso returns for that text (with
   datetime.timezone.utc for a zero offset, a datetime.timezone for another, none without a zone),
   or NULL without an exception for any other text: _load_iso reads it (fromisoformat's rarer
   forms, isodate) or refuses it. */
static PyObject *
parse_timestamp(PyObject *text)
{
    if (!PyUnicode_IS_ASCII(text))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        return NULL;
    Moment m = {read_digits(s, 4), read_digits(s + 5, 2), read_digits(s + 8, 2), read_digits(s + 11, 2),
                read_digits(s + 14, 2), read_digits(s + 17, 2), 0};
    if (m.year < 1 || m.month < 1 || m.month > 12 || m.day < 1 || m.day > days_in_month(m.year, m.month) ||
        m.hour < 0 || m.hour > 23 || m.minute < 0 || m.minute > 59 || m.second < 0 || m.second > 59)
        return NULL;
    Py_ssize_t i = 19;
    if (i < n && s[i] == '.') {
        Py_ssize_t first = ++i;
        for (int scale = 100000; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
            m.us += (s[i] - '0') * scale; /* scale is 0 after the sixth digit */
        if (i == first)
            return NULL;
    }
    int zone = 0; /* 0: none, 1: UTC, 2: another offset */
    int offset = 0; /* seconds east of UTC */
    if (i < n) {
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
            zone = 1;
        else if ((s[i] == '+' || s[i] == '-') && i + 6 == n && s[i + 3] == ':') {
            int hours = read_digits(s + i + 1, 2), minutes = read_digits(s + i + 4, 2);
            if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
                return NULL; /* fromisoformat reads "+05:99" as 6:39, and refuses 24:00: _load_iso decides */
            offset = (s[i] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
            zone = offset == 0 ? 1 : 2;
        }
        else
            return NULL;
    }
    if (zone == 2) {
        Moment utc = m;
        if (!to_utc(&utc, offset * 1000000LL))
            return NULL; /* out of range in UTC: _load_iso raises */
    }
    PyObject *tz;
    if (zone == 2) {
        PyObject *delta = PyDelta_FromDSU(0, offset, 0);
        if (delta == NULL)
            return NULL;
        tz = PyTimeZone_FromOffset(delta);
        Py_DECREF(delta);
        if (tz == NULL)
            return NULL;
    }
    else
        tz = Py_NewRef(zone == 1 ? PyDateTime_TimeZone_UTC : Py_None);
    PyObject *moment = PyDateTimeAPI->DateTime_FromDateAndTime(m.year, m.month, m.day, m.hour, m.minute, m.second,
                                                                 m.us, tz, PyDateTimeAPI->DateTimeType);
    Py_DECREF(tz);
    return moment;
}

/* The wire value of one field's value, or NULL to give up.  v is held by the caller. */
static PyObject *
dump_value(FieldSpec *f, PyObject *v, Walk *w, int build)
{
    const Mode *m = w->m;
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
    case K_TIMESTAMP:
        return dump_timestamp(v, build);
    case K_ENUM: {
        /* a member of the field's enum, or any text: known text as it is, other text (another letter
           case, a value from a newer service) as the Python dumper writes it */
        if (!PyUnicode_CheckExact(v) && (PyObject *)Py_TYPE(v) != f->enum_cls)
            return NULL;
        if (!build)
            return Py_NewRef(Py_None);
        /* a member's hash may be Python code; the table is the plan's own, and the text taken at once */
        PyObject *text = PyDict_GetItemWithError(f->enum_dump, v);
        if (text != NULL)
            return Py_NewRef(text);
        if (PyErr_Occurred())
            return NULL;
        return PyObject_CallOneArg(f->enum_dumper, v);
    }
    case K_MODEL:
        return walk(f->child, v, w, build);
    case K_LIST_MODEL: {
        if (!PyList_CheckExact(v) && !PyTuple_CheckExact(v))
            return NULL;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        PyObject *out = build ? new_list(n) : NULL;
        if (build && out == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i >= PySequence_Fast_GET_SIZE(v)) { /* the list shrank under a callback */
                Py_XDECREF(out);
                return NULL;
            }
            PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(v, i)); /* held while walked */
            PyObject *r = walk(f->child, item, w, build);
            Py_DECREF(item);
            if (r == NULL) {
                Py_XDECREF(out);
                return NULL;
            }
            if (build)
                PyList_SET_ITEM(out, i, r);
            else
                Py_DECREF(r);
        }
        return build ? full_list(out) : Py_NewRef(Py_None);
    }
    }
    return NULL;
}

/* obj is held by the caller. */
static PyObject *
walk(PlanObject *p, PyObject *obj, Walk *w, int build)
{
    const Mode *m = w->m;
    if (!takes(p, obj, w))
        return NULL;
    if (Py_EnterRecursiveCall(" while serializing a batchprep model"))
        return NULL;
    PyObject *out = NULL;
    if (build) {
        /* sized to the values present (only counted here: the allocation may collect, and the slots
           are read again below); a dict sized for every field of a sparse object wastes memory */
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
        Py_INCREF(v); /* held while walked: a callback can replace the attribute */
        PyObject *r = dump_value(f, v, w, write);
        Py_DECREF(v);
        if (r == NULL)
            goto fail;
        int err = write ? PyDict_SetItem(out, m->attr_keys ? f->attr_key : f->wire_key, r) : 0;
        Py_DECREF(r);
        if (err < 0)
            goto fail;
    }
    if (m->strict)
        for (Py_ssize_t i = 0; i < p->nchecks; i++)
            if (!run_check(&p->checks[i], obj, w))
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

static PyObject *load(PlanObject *p, PyObject *data, Walk *w);

/* v is held by the caller. */
static PyObject *
load_value(FieldSpec *f, PyObject *v, Walk *w)
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
            PyObject *known = PyDict_GetItemWithError(parsed_cache, v); /* exact str: no Python code */
            if (known != NULL)
                return Py_NewRef(known);
            if (PyErr_Occurred())
                return NULL;
        }
        return call_helper(load_duration, v);
    case K_TIMESTAMP:
        if (PyUnicode_CheckExact(v)) {
            PyObject *moment = parse_timestamp(v); /* C only: no Python code runs */
            if (moment != NULL || PyErr_Occurred())
                return moment;
        }
        return call_helper(load_timestamp, v); /* rarer text, a datetime, or a wrong type: as Python reads it */
    case K_ENUM:
        if (PyUnicode_CheckExact(v)) {
            PyObject *member = PyDict_GetItemWithError(f->enum_load, v); /* exact str: no Python code */
            if (member != NULL)
                return Py_NewRef(member);
            if (PyErr_Occurred())
                return NULL;
        }
        return PyObject_CallOneArg(f->enum_loader, v);
    case K_MODEL:
        return load(f->child, v, w);
    case K_LIST_MODEL: {
        if (!PyList_CheckExact(v))
            return NULL;
        Py_ssize_t n = PyList_GET_SIZE(v);
        PyObject *out = new_list(n);
        if (out == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i >= PyList_GET_SIZE(v)) { /* the list shrank under a callback */
                Py_DECREF(out);
                return NULL;
            }
            PyObject *source = Py_NewRef(PyList_GET_ITEM(v, i)); /* held while read */
            PyObject *item = load(f->child, source, w);
            Py_DECREF(source);
            if (item == NULL) {
                Py_DECREF(out);
                return NULL;
            }
            PyList_SET_ITEM(out, i, item);
        }
        return full_list(out);
    }
    }
    return NULL;
}

/* For case-insensitive reading: whether every key of the document is an exact str spelt as one of the
   exact spellings; then no lookup runs Python code, and the Python reader takes every other document. */
static int
plain_keys(PlanObject *p, PyObject *data)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(data, &pos, &key, &value))
        if (!PyUnicode_CheckExact(key) || PySet_Contains(p->exact, key) != 1)
            return 0;
    return 1;
}

/* Whether two exact, ready str objects hold the same text (no Python code). */
static inline int
same_text(PyObject *a, PyObject *b)
{
    if (a == b)
        return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return n == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b)
           && memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * (size_t)kind) == 0;
}

/* The field of p whose REST key is key (an exact, ready str), trying first the one after the field
   found last (documents mostly list their keys in the order batchprep writes them); NULL: none. */
static inline FieldSpec *
field_named(PlanObject *p, PyObject *key, Py_ssize_t *next)
{
    for (Py_ssize_t tried = 0, i = *next; tried < p->nfields; tried++, i++) {
        if (i == p->nfields)
            i = 0;
        if (same_text(p->fields[i].wire_key, key)) {
            *next = i + 1;
            return &p->fields[i];
        }
    }
    return NULL;
}

/* load() with keys spelt exactly (deserialize): one pass over the document, whose every key must be
   an exact str (else the Python reader answers, as for a key with a Python __eq__ or __hash__); each
   key is matched to its field by comparing text, so no hash or comparison of the document's keys
   runs Python code. A callback or a collection during the pass may change the document: its size is
   read again after each such point, and a change gives up (the Python reader reads it afresh); the
   key and value being read are held. data is held by the caller. */
static PyObject *
load_exact(PlanObject *p, PyObject *data, Walk *w)
{
    if (Py_EnterRecursiveCall(" while deserializing a batchprep model"))
        return NULL;
    PyObject *obj = p->cls->tp_alloc(p->cls, 0); /* may collect: nothing of data is read yet */
    PyObject *extra = NULL;
    if (obj == NULL)
        goto fail;
    Py_ssize_t size = PyDict_GET_SIZE(data), pos = 0, next = 0;
    PyObject *key, *value;
    while (PyDict_Next(data, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || PyUnicode_READY(key) < 0)
            goto fail;
        Py_INCREF(key); /* held: reading the value may run Python code that changes the document */
        Py_INCREF(value);
        FieldSpec *f = field_named(p, key, &next);
        int err;
        if (f != NULL) {
            PyObject *r = value == Py_None ? Py_NewRef(Py_None) : load_value(f, value, w);
            err = r == NULL;
            if (r != NULL)
                Py_XSETREF(SLOT(obj, f->offset), r);
        }
        else /* not a property of this class: kept, as additional properties */
            err = (extra == NULL && (extra = PyDict_New()) == NULL) || PyDict_SetItem(extra, key, value) < 0;
        Py_DECREF(key);
        Py_DECREF(value);
        if (err || PyDict_GET_SIZE(data) != size) /* changed while read: the Python reader reads it afresh */
            goto fail;
    }
    for (Py_ssize_t i = 0; i < p->nfields; i++) /* the properties the document does not have */
        if (SLOT(obj, p->fields[i].offset) == NULL)
            SLOT(obj, p->fields[i].offset) = Py_NewRef(Py_None);
    Py_XSETREF(SLOT(obj, p->extra_offset), extra ? extra : Py_NewRef(Py_None));
    Py_LeaveRecursiveCall();
    return obj;
fail:
    Py_XDECREF(extra);
    Py_LeaveRecursiveCall();
    Py_XDECREF(obj);
    return NULL;
}

/* data is held by the caller. */
static PyObject *
load(PlanObject *p, PyObject *data, Walk *w)
{
    const Mode *m = w->m;
    if (!PyDict_CheckExact(data))
        return NULL; /* a dict subclass, a model instance, or not an object at all */
    if (p->cls == NULL)
        return NULL;
    if (p->cls->tp_version_tag != p->tag) {
        w->stale = 1;
        return NULL;
    }
    if (!m->ci)
        return load_exact(p, data, w);
    /* msrest's case-insensitive lookups: here only when every key is spelt exactly */
    if (!p->ci_ok || !plain_keys(p, data))
        return NULL;
    if (Py_EnterRecursiveCall(" while deserializing a batchprep model"))
        return NULL;
    /* may collect: the document is read afresh below, each value held while it is read, and the new
       object's empty slots only ever hold what this function put there */
    PyObject *obj = p->cls->tp_alloc(p->cls, 0);
    if (obj == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < p->nfields; i++) {
        FieldSpec *f = &p->fields[i];
        PyObject *v = PyDict_GetItemWithError(data, f->attr_key);
        if ((v == NULL || v == Py_None) && f->attr_key != f->wire_key && !PyErr_Occurred())
            v = PyDict_GetItemWithError(data, f->wire_key);
        if (v == NULL && PyErr_Occurred())
            goto fail;
        PyObject *r;
        if (v == NULL || v == Py_None)
            r = Py_NewRef(Py_None);
        else {
            Py_INCREF(v); /* held while read: a callback can let another thread change the document */
            r = load_value(f, v, w);
            Py_DECREF(v);
        }
        if (r == NULL)
            goto fail;
        Py_XSETREF(SLOT(obj, f->offset), r);
    }
    PyObject *extra = NULL;
    Py_ssize_t size = PyDict_GET_SIZE(data), pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(data, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key))
            goto fail_extra; /* put there by a callback since the first look: the Python reader takes it */
        int known = PySet_Contains(p->known, key);
        if (known < 0)
            goto fail_extra;
        if (known)
            continue;
        Py_INCREF(key); /* held: creating the dict below may collect, and a finalizer change the document */
        Py_INCREF(value);
        int err = (extra == NULL && (extra = PyDict_New()) == NULL) || PyDict_SetItem(extra, key, value) < 0;
        Py_DECREF(key);
        Py_DECREF(value);
        if (err || PyDict_GET_SIZE(data) != size) /* changed while read: Python would raise */
            goto fail_extra;
    }
    Py_XSETREF(SLOT(obj, p->extra_offset), extra ? extra : Py_NewRef(Py_None));
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

/* The compiled answer, or NULL (exception state unspecified) to ask the Python function.  Notes in
   *stale whether the walk met a class changed since its plan was built. */
static PyObject *
native(CodecObject *c, PyObject *arg, int *stale)
{
    if (c->stale || c->plan == NULL)
        return NULL;
    PlanObject *p = (PlanObject *)Py_NewRef(c->plan);
    Walk w = {.m = &c->mode, .stale = 0};
    PyObject *r = NULL;
    switch (c->op) {
    case C_SERIALIZE:
        r = walk(p, arg, &w, 1);
        break;
    case C_VALIDATE:
        r = walk(p, arg, &w, 0);
        if (r != NULL)
            Py_SETREF(r, Py_NewRef(Py_True));
        break;
    case C_LOAD:
        r = load(p, arg, &w);
        break;
    }
    Py_DECREF(p);
    *stale = w.stale;
    return r;
}

/* KeyboardInterrupt or SystemExit raised in a callback: never swallowed by giving up. */
static int
interrupted(void)
{
    return PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_Exception);
}

/* A class of the codec's plan changed: ask Python from now on, and let batchprep build new codecs.
   -1 only for an interrupt raised by that; other errors of the hook are reported, not raised. */
static int
went_stale(CodecObject *c)
{
    c->stale = 1;
    PyObject *hook = on_stale, *cls = c->plan ? (PyObject *)c->plan->cls : NULL;
    if (hook == NULL || cls == NULL)
        return 0;
    Py_INCREF(hook);
    Py_INCREF(cls);
    PyObject *r = PyObject_CallOneArg(hook, cls);
    Py_DECREF(cls);
    Py_DECREF(hook);
    if (r != NULL) {
        Py_DECREF(r);
        return 0;
    }
    if (interrupted())
        return -1;
    PyErr_WriteUnraisable((PyObject *)c);
    return 0;
}

static PyObject *
codec_vectorcall(CodecObject *c, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (c->wrapped == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "this compiled codec has been cleared");
        return NULL;
    }
    if (PyVectorcall_NARGS(nargsf) == 1 && kwnames == NULL) {
        int stale = 0;
        PyObject *r = native(c, args[0], &stale);
        if (r != NULL || interrupted())
            return r;
        PyErr_Clear();
        if (stale && !c->stale && went_stale(c) < 0)
            return NULL;
    }
    PyObject *wrapped = Py_NewRef(c->wrapped);
    PyObject *r = PyObject_Vectorcall(wrapped, args, nargsf, kwnames);
    Py_DECREF(wrapped);
    return r;
}

static PyObject *
codec_native(CodecObject *c, PyObject *arg)
{
    int stale = 0;
    PyObject *r = native(c, arg, &stale);
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
    if (((PlanObject *)plan)->cls == NULL) {
        PyErr_SetString(PyExc_ValueError, "the plan has been cleared");
        return NULL;
    }
    CodecObject *c = PyObject_GC_New(CodecObject, type);
    if (c == NULL)
        return NULL;
    c->vectorcall = (vectorcallfunc)codec_vectorcall;
    c->plan = (PlanObject *)Py_NewRef(plan);
    c->op = op;
    c->stale = 0;
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
    if (c->name == NULL || c->qualname == NULL || c->wrapped == NULL)
        return PyUnicode_FromString("<compiled codec, cleared>");
    return PyUnicode_FromFormat("<compiled %U of %U, falls back to %R%s>", c->name, c->qualname, c->wrapped,
                                c->stale ? ", stale" : "");
}

static PyObject *
codec_get_plan(CodecObject *c, void *closure)
{
    return Py_NewRef(c->plan ? (PyObject *)c->plan : Py_None);
}

static PyObject *
codec_get_stale(CodecObject *c, void *closure)
{
    return PyBool_FromLong(c->stale);
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
    {"stale", (getter)codec_get_stale, NULL,
     "Whether a class of the plan changed since it was built (the codec then always asks Python).", NULL},
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
    PyObject *fc, *fd, *pc, *ld, *wd, *lt, *stale = Py_None;
    static char *kwlist[] = {"format_cache", "format_duration", "parsed_cache", "load_duration", "wire_duration",
                             "load_timestamp", "on_stale", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!OO!OO!O|O:configure", kwlist, &PyDict_Type, &fc, &fd,
                                     &PyDict_Type, &pc, &ld, &PyType_Type, &wd, &lt, &stale))
        return NULL;
    if (!PyDict_CheckExact(fc) || !PyDict_CheckExact(pc)) {
        PyErr_SetString(PyExc_TypeError, "the duration caches are dicts");
        return NULL;
    }
    if (!PyCallable_Check(fd) || !PyCallable_Check(ld) || !PyCallable_Check(lt) ||
        (stale != Py_None && !PyCallable_Check(stale))) {
        PyErr_SetString(PyExc_TypeError, "format_duration, load_duration, load_timestamp and on_stale are callables");
        return NULL;
    }
    if (!PyType_IsSubtype((PyTypeObject *)wd, PyDateTimeAPI->DeltaType)) {
        PyErr_SetString(PyExc_TypeError, "wire_duration is a subclass of datetime.timedelta");
        return NULL;
    }
    Py_XSETREF(format_cache, Py_NewRef(fc));
    Py_XSETREF(format_duration, Py_NewRef(fd));
    Py_XSETREF(parsed_cache, Py_NewRef(pc));
    Py_XSETREF(load_duration, Py_NewRef(ld));
    Py_XSETREF(wire_duration_type, Py_NewRef(wd));
    Py_XSETREF(load_timestamp, Py_NewRef(lt));
    Py_XSETREF(on_stale, stale == Py_None ? NULL : Py_NewRef(stale));
    Py_RETURN_NONE;
}

static PyObject *
version_tag(PyObject *module, PyObject *cls)
{
    if (!PyType_Check(cls)) {
        PyErr_Format(PyExc_TypeError, "version_tag() takes a class, not %R", cls);
        return NULL;
    }
    return PyLong_FromUnsignedLong(version_tag_of((PyTypeObject *)cls));
}

static PyMethodDef module_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "Hand over batchprep.durations' caches and helpers, the timestamp reader for text the walk does not "
     "parse itself, and the function told about a changed class (called by batchprep._codegen.native)."},
    {"version_tag", (PyCFunction)version_tag, METH_O,
     "The version tag CPython gives the class (assigned now if needed); 0 when it cannot have one, and "
     "then no plan can be built for it."},
    {NULL},
};

static int
module_exec(PyObject *m)
{
    if (PyInterpreterState_Get() != PyInterpreterState_Main()) {
        PyErr_SetString(PyExc_ImportError, "batchprep._speedups holds process-wide state: main interpreter only");
        return -1;
    }
    if (PyDateTimeAPI == NULL) {
        PyDateTime_IMPORT;
        if (PyDateTimeAPI == NULL)
            return -1;
    }
    if (str_wire_text == NULL && (str_wire_text = PyUnicode_InternFromString("wire_text")) == NULL)
        return -1;
    if (str_init == NULL && (str_init = PyUnicode_InternFromString("__init__")) == NULL)
        return -1;
    if (str_utcoffset == NULL && (str_utcoffset = PyUnicode_InternFromString("utcoffset")) == NULL)
        return -1;
    if (timezone_type == NULL)
        timezone_type = (PyTypeObject *)Py_NewRef(Py_TYPE(PyDateTime_TimeZone_UTC)); /* held for good */
    if (PyType_Ready(&Plan_Type) < 0 || PyType_Ready(&Codec_Type) < 0)
        return -1;
    if (PyModule_AddIntConstant(m, "ABI_VERSION", ABI_VERSION) < 0 ||
        PyModule_AddIntConstant(m, "STR", K_STR) < 0 || PyModule_AddIntConstant(m, "INT", K_INT) < 0 ||
        PyModule_AddIntConstant(m, "BOOL", K_BOOL) < 0 || PyModule_AddIntConstant(m, "DURATION", K_DURATION) < 0 ||
        PyModule_AddIntConstant(m, "ENUM", K_ENUM) < 0 || PyModule_AddIntConstant(m, "MODEL", K_MODEL) < 0 ||
        PyModule_AddIntConstant(m, "LIST_MODEL", K_LIST_MODEL) < 0 ||
        PyModule_AddIntConstant(m, "TIMESTAMP", K_TIMESTAMP) < 0 ||
        PyModule_AddIntConstant(m, "EXACTLY_ONE", OP_EXACTLY_ONE) < 0 ||
        PyModule_AddIntConstant(m, "REQUIRES", OP_REQUIRES) < 0 ||
        PyModule_AddIntConstant(m, "EXCLUDES", OP_EXCLUDES) < 0 ||
        PyModule_AddIntConstant(m, "RELATIVE_PATH", OP_RELATIVE_PATH) < 0 ||
        PyModule_AddIntConstant(m, "UNIQUE", OP_UNIQUE) < 0 ||
        PyModule_AddIntConstant(m, "DURATION_RANGE", OP_DURATION_RANGE) < 0 ||
        PyModule_AddIntConstant(m, "FILE_NAME", OP_FILE_NAME) < 0 ||
        PyModule_AddIntConstant(m, "SERIALIZE", C_SERIALIZE) < 0 ||
        PyModule_AddIntConstant(m, "VALIDATE", C_VALIDATE) < 0 || PyModule_AddIntConstant(m, "LOAD", C_LOAD) < 0 ||
        PyModule_AddObjectRef(m, "Plan", (PyObject *)&Plan_Type) < 0 ||
        PyModule_AddObjectRef(m, "Codec", (PyObject *)&Codec_Type) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#endif
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "batchprep._speedups",
    .m_doc = "Compiled fast paths for batchprep's codecs (see src/batchprep/_codegen/native.py).",
    .m_size = 0,
    .m_methods = module_methods,
    .m_slots = module_slots,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&module_def);
}
