/* One decode step of a Llama-style model for a batch of rows, each row with its own LoRA slot.
 *
 * Built and loaded by serving/fastdecode.py (gcc -O3 -march=native -fopenmp, at first use, cached).
 * A decode step reads every weight once and does two flops with each per row, so its speed is the
 * speed at which weights stream from memory. Everything of a step runs inside one OpenMP parallel
 * region: each thread owns a slice of the output rows of every matrix-vector product (and adds the
 * LoRA delta and the residual of that slice itself), so the ~200 products of a step cost a barrier
 * each, not a Python call, a dispatcher call and a thread-pool wake-up.
 *
 * Layouts (float32 unless said, row-major, contiguous unless a stride is given):
 *   Linear weight (out, in): float32 (wtype 0), bfloat16 bits (wtype 1) or int8 with one float32 scale per
 *   wgroup weights of a row (wtype 2: W[o, i] = scale[o, i / wgroup] * q[o, i]); bf16 and int8 are widened
 *   to float32 in registers,
 *   so activations, LoRA deltas, norms, attention and the KV cache stay float32 ("weight-only")
 *   LoRA bank At (slots, in, rank), Bt (slots, rank, out), slot 0 = none
 *   h (B, hidden): the residual stream, input embeddings in, final hidden states out
 *   cos, sin (B, head_dim); mask (B, T + 1) int64, 0 = padding; slots (B,) int64
 *   K/V cache of a layer (B, kv_heads, cap, head_dim): columns 0..T-1 filled, this step writes T
 *   logits (B, vocab)
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#define VW 16
typedef __m512 vec;
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VSUM(v) _mm512_reduce_add_ps(v)
#define VSET1(f) _mm512_set1_ps(f)
#define VLOAD_BF16(p) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))), 16))
#define VLOAD_I8(p) _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p))))
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define VW 8
typedef __m256 vec;
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VSET1(f) _mm256_set1_ps(f)
static inline float VSUM(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#define VLOAD_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))
#define VLOAD_I8(p) _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p))))
#else
#define VW 1
typedef float vec;
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VSUM(v) (v)
#define VSET1(f) (f)
#define VLOAD_BF16(p) bf16_to_f32(*(p))
#define VLOAD_I8(p) ((float)*(p))
#endif

static inline float bf16_to_f32(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
#define F32_OF(x) (x)
#define BF16_OF(x) bf16_to_f32(x)
#define I8_OF(x) ((float)(x))
enum { W_F32 = 0, W_BF16 = 1, W_I8 = 2 };

typedef struct {
    const float *w, *bias;  /* (out, in), (out,) or NULL */
    int64_t in, out;
    const float *At, *Bt;   /* LoRA bank or NULL */
    int64_t rank;
    const void *wq;         /* the weight in bf16 or int8 (wtype 1, 2), else unused */
    const float *wscale;    /* int8: (out, ceil(in / wgroup)) scales */
    int64_t wtype;          /* W_F32, W_BF16 or W_I8 */
    int64_t wgroup;         /* int8: weights per scale along a row (a multiple of 16; >= in: one per row) */
} Lin;

typedef struct {
    Lin q, k, v, o, gate, up, down;
    const float *ln1, *ln2;
    float *kc, *vc;
} Layer;

typedef struct {
    int64_t n_layers, hidden, heads, kv_heads, head_dim, inter, vocab, max_rank;
    float eps, scale; /* RMSNorm epsilon, attention scale (1/sqrt(head_dim) for Llama) */
    const Layer *layers;
    const float *norm;
    Lin head;
} Model;

/* A sense-reversing barrier that spins and never sleeps. OpenMP's own barrier sleeps on a futex as soon
 * as the process has more OpenMP threads than cores (any other thread that ran a parallel region, e.g.
 * a request thread computing something with torch, has its own pool): measured, that made a step 17%
 * slower. Each wait is a few microseconds; a long one (the other thread is descheduled) yields the core. */
typedef struct {
    atomic_int count, sense;
} Barrier;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void barrier(Barrier *bar, int nt, int *local_sense) {
    if (nt == 1) return;
    *local_sense = !*local_sense;
    if (atomic_fetch_add(&bar->count, 1) == nt - 1) {
        atomic_store(&bar->count, 0);
        atomic_store(&bar->sense, *local_sense);
    } else {
        /* spin; past ~50 us of waiting also yield, in case the thread waited for shares this core */
        for (unsigned spins = 0; atomic_load_explicit(&bar->sense, memory_order_acquire) != *local_sense; spins++) {
            cpu_relax();
            if (spins > 2000) sched_yield();
        }
    }
}

#define RB 16 /* weight rows per block: 16 streams from memory at once read faster than 4 or 8 */
/* Each load also prefetches (into L2) the same place 32 rows further on: measured, weights then stream
 * at 0.95-0.98 of the machine's read bandwidth (a plain sum over a buffer) instead of 0.87. */
#define PREFETCH_ROWS 32

/* ACC[r][b] += W[o + r, i:END] . X[b, i:END] for whole vectors from i on (i is left at the first weight not
 * read); each load also prefetches the same place PREFETCH_ROWS rows further on, once per cache line */
#define MV_SPAN(T, LOADW, NR, NB, ACC, END)                                                                 \
    for (; i + VW <= (END); i += VW) {                                                                    \
        vec x[NB];                                                                                        \
        for (int b = 0; b < NB; b++) x[b] = VLOAD(X + b * xs + i);                                        \
        const int pf = (i * (int64_t)sizeof(T)) % 64 == 0;                                                \
        for (int r = 0; r < NR; r++) {                                                                    \
            if (pf) __builtin_prefetch(w + (r + PREFETCH_ROWS) * in + i, 0, 2);                           \
            vec wr = LOADW(w + r * in + i);                                                               \
            for (int b = 0; b < NB; b++) ACC[r][b] = VFMA(wr, x[b], ACC[r][b]);                           \
        }                                                                                                 \
    }

/* Rows [o, o + NR) of Y[b] = (W X[b]) + bias for NB rows of X: NR * NB accumulators in registers. T is the
 * stored weight type, LOADW widens VW of them to a float32 vector, OF one of them. rs (NULL = 1) holds the
 * scales of int8 weights, ng per row, each for gs consecutive weights of the row: W[o, i] = rs[o, i / gs] * q[o, i].
 * With one scale per row (ng <= 1) the row's sum is scaled once; with groups, each group's partial sum is
 * scaled (one more FMA per group). gs is a multiple of VW. */
#define DEFINE_BLOCK(TAG, T, LOADW, OF, NR, NB)                                                             \
    static void mv_##TAG##_##NR##x##NB(const T *W, const float *rs, int64_t gs, int64_t ng, int64_t in,       \
                                       const float *X, int64_t xs, float *Y, int64_t ys, const float *bias,   \
                                       int64_t o) {                                                          \
        vec acc[NR][NB];                                                                                  \
        for (int r = 0; r < NR; r++)                                                                      \
            for (int b = 0; b < NB; b++) acc[r][b] = VZERO();                                             \
        const T *w = W + o * in;                                                                          \
        int64_t i = 0;                                                                                    \
        if (ng <= 1) {                                                                                    \
            MV_SPAN(T, LOADW, NR, NB, acc, in)                                                            \
        } else {                                                                                          \
            for (int64_t g = 0; g < ng; g++) {                                                            \
                vec part[NR][NB];                                                                         \
                for (int r = 0; r < NR; r++)                                                              \
                    for (int b = 0; b < NB; b++) part[r][b] = VZERO();                                    \
                MV_SPAN(T, LOADW, NR, NB, part, ((g + 1) * gs < in ? (g + 1) * gs : in))                  \
                for (int r = 0; r < NR; r++) {                                                            \
                    const vec sc = VSET1(rs[(o + r) * ng + g]);                                           \
                    for (int b = 0; b < NB; b++) acc[r][b] = VFMA(part[r][b], sc, acc[r][b]);             \
                }                                                                                         \
            }                                                                                             \
        }                                                                                                 \
        for (int r = 0; r < NR; r++)                                                                      \
            for (int b = 0; b < NB; b++) {                                                                \
                float s = VSUM(acc[r][b]), t = 0.0f; /* t: the last weights, fewer than VW, of the row */ \
                for (int64_t j = i; j < in; j++) t += OF(w[r * in + j]) * X[b * xs + j];                  \
                if (!rs) s += t;                                                                          \
                else if (ng <= 1) s = (s + t) * rs[o + r];                                                \
                else s += t * rs[(o + r) * ng + ng - 1]; /* they lie in the last group */                 \
                Y[b * ys + o + r] = s + (bias ? bias[o + r] : 0.0f);                                      \
            }                                                                                             \
    }

/* Y[b, o0:o1] = rs * (X[b] W[o0:o1]^T) + bias, for b < B, for one stored weight type */
#define DEFINE_MATVEC(TAG, T, LOADW, OF)                                                                    \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 16, 1)                                                                \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 8, 1)                                                                 \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 8, 2)                                                                 \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 4, 3)                                                                 \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 4, 4)                                                                 \
    DEFINE_BLOCK(TAG, T, LOADW, OF, 1, 1)                                                                 \
    static void matvec_##TAG(const T *W, const float *rs, int64_t gs, int64_t ng, int64_t in,              \
                             const float *bias, const float *X, int64_t xs, float *Y, int64_t ys, int64_t B,  \
                             int64_t o0, int64_t o1) {                                                     \
        int64_t o = o0;                                                                                   \
        for (; o + RB <= o1; o += RB) {                                                                   \
            if (B == 1 && ng > 1) { /* a group's partial sums and the row sums: 2 x 8 registers */        \
                mv_##TAG##_8x1(W, rs, gs, ng, in, X, xs, Y, ys, bias, o);                                 \
                mv_##TAG##_8x1(W, rs, gs, ng, in, X, xs, Y, ys, bias, o + 8);                             \
                continue;                                                                                 \
            }                                                                                             \
            if (B == 1) {                                                                                 \
                mv_##TAG##_16x1(W, rs, gs, ng, in, X, xs, Y, ys, bias, o);                                \
                continue;                                                                                 \
            }                                                                                             \
            for (int64_t b = 0; b < B;) {                                                                 \
                const float *x = X + b * xs;                                                              \
                float *y = Y + b * ys;                                                                    \
                int64_t left = B - b;                                                                     \
                if (left == 2 || left == 1) { /* two rows: 8 weight rows at a time; one row: 16 */        \
                    if (left == 2) {                                                                      \
                        mv_##TAG##_8x2(W, rs, gs, ng, in, x, xs, y, ys, bias, o);                                 \
                        mv_##TAG##_8x2(W, rs, gs, ng, in, x, xs, y, ys, bias, o + 8);                             \
                    } else {                                                                              \
                        mv_##TAG##_16x1(W, rs, gs, ng, in, x, xs, y, ys, bias, o);                                \
                    }                                                                                     \
                    b += left;                                                                            \
                } else {                                                                                  \
                    for (int64_t r = 0; r < RB; r += 4) {                                                 \
                        if (left == 3) mv_##TAG##_4x3(W, rs, gs, ng, in, x, xs, y, ys, bias, o + r);              \
                        else mv_##TAG##_4x4(W, rs, gs, ng, in, x, xs, y, ys, bias, o + r);                        \
                    }                                                                                     \
                    b += left == 3 ? 3 : 4;                                                               \
                }                                                                                         \
            }                                                                                             \
        }                                                                                                 \
        for (; o < o1; o++) /* the last rows of a matrix whose height is not a multiple of 16 */          \
            for (int64_t b = 0; b < B; b++) mv_##TAG##_1x1(W, rs, gs, ng, in, X + b * xs, xs, Y + b * ys, ys, bias, o); \
    }
DEFINE_MATVEC(f32, float, VLOAD, F32_OF)
DEFINE_MATVEC(bf16, uint16_t, VLOAD_BF16, BF16_OF)
DEFINE_MATVEC(i8, int8_t, VLOAD_I8, I8_OF)

/* Y[b, o0:o1] = X[b] W[o0:o1]^T + bias, for b < B, in the weight's stored type */
static void matvec(const Lin *L, const float *X, int64_t xs, float *Y, int64_t ys, int64_t B, int64_t o0,
                   int64_t o1) {
    if (L->wtype == W_BF16)
        matvec_bf16((const uint16_t *)L->wq, NULL, 0, 0, L->in, L->bias, X, xs, Y, ys, B, o0, o1);
    else if (L->wtype == W_I8)
        matvec_i8((const int8_t *)L->wq, L->wscale, L->wgroup, (L->in + L->wgroup - 1) / L->wgroup, L->in, L->bias, X, xs, Y, ys, B, o0, o1);
    else
        matvec_f32(L->w, NULL, 0, 0, L->in, L->bias, X, xs, Y, ys, B, o0, o1);
}

/* Y[b, o0:o1] += (X[b] At[slot_b]) Bt[slot_b] for rows with a slot; tmp holds B * rank floats */
static void lora(const Lin *L, const float *X, int64_t xs, float *Y, int64_t ys, int64_t B, const int64_t *slots,
                 float *tmp, int64_t o0, int64_t o1) {
    if (!L->At || o0 >= o1) return;
    const int64_t r = L->rank, in = L->in, out = L->out;
    for (int64_t b = 0; b < B; b++) {
        int64_t s = slots[b];
        if (s == 0) continue;
        const float *A = L->At + s * in * r, *x = X + b * xs;
        float *t = tmp + b * r;
        for (int64_t j = 0; j < r; j++) t[j] = 0.0f;
        for (int64_t i = 0; i < in; i++) {
            float xi = x[i];
            const float *a = A + i * r;
            for (int64_t j = 0; j < r; j++) t[j] += xi * a[j];
        }
        const float *Bm = L->Bt + s * r * out;
        float *y = Y + b * ys;
        for (int64_t j = 0; j < r; j++) {
            float tj = t[j];
            const float *bj = Bm + j * out;
            for (int64_t o = o0; o < o1; o++) y[o] += tj * bj[o];
        }
    }
}

/* the slice [lo, hi) of n items that thread t of nt owns, in multiples of `align` */
static inline void part(int64_t n, int t, int nt, int64_t align, int64_t *lo, int64_t *hi) {
    int64_t blocks = (n + align - 1) / align, per = blocks / nt, extra = blocks % nt;
    int64_t b0 = t * per + (t < extra ? t : extra), b1 = b0 + per + (t < extra ? 1 : 0);
    *lo = b0 * align < n ? b0 * align : n;
    *hi = b1 * align < n ? b1 * align : n;
}

static void linear(const Lin *L, const float *X, int64_t xs, float *Y, int64_t ys, int64_t B,
                   const int64_t *slots, float *tmp, int t, int nt) {
    int64_t o0, o1;
    part(L->out, t, nt, RB, &o0, &o1);
    matvec(L, X, xs, Y, ys, B, o0, o1);
    lora(L, X, xs, Y, ys, B, slots, tmp, o0, o1);
}

/* h[b] += X[b] W^T (+ LoRA) on this thread's slice of the hidden size (tmp: B x H scratch) */
static void linear_residual(const Lin *L, const float *X, int64_t xs, float *tmp, float *h, int64_t H, int64_t B,
                            const int64_t *slots, float *lt, int t, int nt) {
    int64_t lo, hi;
    part(H, t, nt, RB, &lo, &hi);
    matvec(L, X, xs, tmp, H, B, lo, hi);
    lora(L, X, xs, tmp, H, B, slots, lt, lo, hi);
    for (int64_t b = 0; b < B; b++)
        for (int64_t j = lo; j < hi; j++) h[b * H + j] += tmp[b * H + j];
}

static void rmsnorm(const float *x, const float *w, float *y, int64_t n, float eps) {
    float ss = 0.0f;
    for (int64_t i = 0; i < n; i++) ss += x[i] * x[i];
    float inv = 1.0f / sqrtf(ss / (float)n + eps);
    for (int64_t i = 0; i < n; i++) y[i] = w[i] * (x[i] * inv);
}

/* y[b] = rmsnorm(x[b]) for this thread's rows */
static void rmsnorm_rows(const float *x, const float *w, float *y, int64_t B, int64_t H, float eps, int t, int nt) {
    int64_t lo, hi;
    part(B, t, nt, 1, &lo, &hi);
    for (int64_t b = lo; b < hi; b++) rmsnorm(x + b * H, w, y + b * H, H, eps);
}

static void rope(float *v, const float *cos, const float *sin, int64_t d) {
    int64_t half = d / 2;
    for (int64_t i = 0; i < half; i++) {
        float a = v[i], b = v[i + half];
        v[i] = a * cos[i] - b * sin[i];
        v[i + half] = b * cos[i + half] + a * sin[i + half];
    }
}

int64_t aivo_workspace_floats(const Model *m, int64_t B, int64_t T, int nt) {
    int64_t H = m->hidden, qd = m->heads * m->head_dim, kd = m->kv_heads * m->head_dim;
    return B * (H + qd + 2 * kd + qd + H + 2 * m->inter) + (int64_t)nt * B * m->max_rank +
           (int64_t)nt * (T + 1) + 64;
}

/* h (B, hidden) in: embeddings of the rows' new tokens; logits (B, vocab) out. T: filled cache columns. */
int aivo_decode_step(const Model *m, int64_t B, float *h, const float *cos, const float *sin,
                     const int64_t *mask, int64_t T, int64_t cap, const int64_t *slots, float *logits,
                     float *work, int nthreads) {
    const int64_t H = m->hidden, d = m->head_dim, nh = m->heads, nkv = m->kv_heads, I = m->inter;
    const int64_t qd = nh * d, kd = nkv * d, group = nh / nkv, L1 = T + 1;
    float *xn = work, *q = xn + B * H, *k = q + B * qd, *v = k + B * kd, *att = v + B * kd, *tmp = att + B * qd,
          *g = tmp + B * H, *u = g + B * I, *lt = u + B * I, *sc = lt + (int64_t)nthreads * B * m->max_rank;
    const float scale = m->scale;
    Barrier bar;
    atomic_init(&bar.count, 0);
    atomic_init(&bar.sense, 0);
#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int sense = 0;
        float *mytmp = lt + (int64_t)t * B * m->max_rank, *myscore = sc + (int64_t)t * L1;
        int64_t lo, hi;
        for (int64_t l = 0; l < m->n_layers; l++) {
            const Layer *ly = &m->layers[l];
            rmsnorm_rows(h, ly->ln1, xn, B, H, m->eps, t, nt);
            barrier(&bar, nt, &sense);
            linear(&ly->q, xn, H, q, qd, B, slots, mytmp, t, nt);
            linear(&ly->k, xn, H, k, kd, B, slots, mytmp, t, nt);
            linear(&ly->v, xn, H, v, kd, B, slots, mytmp, t, nt);
            barrier(&bar, nt, &sense);
            /* rotary embedding; the new key and value go into cache column T */
            part(B * (nh + nkv), t, nt, 1, &lo, &hi);
            for (int64_t i = lo; i < hi; i++) {
                int64_t b = i / (nh + nkv), j = i % (nh + nkv);
                if (j < nh) {
                    rope(q + b * qd + j * d, cos + b * d, sin + b * d, d);
                } else {
                    j -= nh;
                    float *kv = k + b * kd + j * d;
                    rope(kv, cos + b * d, sin + b * d, d);
                    int64_t off = ((b * nkv + j) * cap + T) * d;
                    memcpy(ly->kc + off, kv, d * sizeof(float));
                    memcpy(ly->vc + off, v + b * kd + j * d, d * sizeof(float));
                }
            }
            barrier(&bar, nt, &sense);
            /* attention of every (row, head) over the row's unmasked cache columns */
            part(B * nh, t, nt, 1, &lo, &hi);
            for (int64_t i = lo; i < hi; i++) {
                int64_t b = i / nh, hq = i % nh, hk = hq / group;
                const float *qv = q + b * qd + hq * d;
                const float *K = ly->kc + (b * nkv + hk) * cap * d, *V = ly->vc + (b * nkv + hk) * cap * d;
                const int64_t *mk = mask + b * L1;
                float mx = -INFINITY;
                for (int64_t c = 0; c < L1; c++) {
                    if (!mk[c]) { myscore[c] = -INFINITY; continue; }
                    const float *kc = K + c * d;
                    float s = 0.0f;
                    for (int64_t e = 0; e < d; e++) s += qv[e] * kc[e];
                    s *= scale;
                    myscore[c] = s;
                    if (s > mx) mx = s;
                }
                float den = 0.0f;
                for (int64_t c = 0; c < L1; c++) {
                    float p = mk[c] ? expf(myscore[c] - mx) : 0.0f;
                    myscore[c] = p;
                    den += p;
                }
                float *o = att + b * qd + hq * d;
                for (int64_t e = 0; e < d; e++) o[e] = 0.0f;
                for (int64_t c = 0; c < L1; c++) {
                    float p = myscore[c];
                    if (p == 0.0f) continue;
                    const float *vc = V + c * d;
                    for (int64_t e = 0; e < d; e++) o[e] += p * vc[e];
                }
                float inv = den > 0.0f ? 1.0f / den : 0.0f;
                for (int64_t e = 0; e < d; e++) o[e] *= inv;
            }
            barrier(&bar, nt, &sense);
            /* o projection; each thread adds its own slice to the residual */
            linear_residual(&ly->o, att, qd, tmp, h, H, B, slots, mytmp, t, nt);
            barrier(&bar, nt, &sense);
            rmsnorm_rows(h, ly->ln2, xn, B, H, m->eps, t, nt);
            barrier(&bar, nt, &sense);
            /* gate and up on the same slice, then silu(gate) * up on it */
            part(I, t, nt, RB, &lo, &hi);
            matvec(&ly->gate, xn, H, g, I, B, lo, hi);
            lora(&ly->gate, xn, H, g, I, B, slots, mytmp, lo, hi);
            matvec(&ly->up, xn, H, u, I, B, lo, hi);
            lora(&ly->up, xn, H, u, I, B, slots, mytmp, lo, hi);
            for (int64_t b = 0; b < B; b++)
                for (int64_t j = lo; j < hi; j++) {
                    float x = g[b * I + j];
                    g[b * I + j] = x / (1.0f + expf(-x)) * u[b * I + j];
                }
            barrier(&bar, nt, &sense);
            linear_residual(&ly->down, g, I, tmp, h, H, B, slots, mytmp, t, nt);
            barrier(&bar, nt, &sense);
        }
        rmsnorm_rows(h, m->norm, xn, B, H, m->eps, t, nt);
        barrier(&bar, nt, &sense);
        linear(&m->head, xn, H, logits, m->vocab, B, slots, mytmp, t, nt);
    }
    return 0;
}
