// jStat ships no types; only what is used is declared: Student's t (src/stats/student-t.ts) and
// the normal quantile (src/stats/normal.ts).
declare module "jstat" {
  interface StudentT {
    cdf(x: number, dof: number): number;
    pdf(x: number, dof: number): number;
    inv(p: number, dof: number): number;
  }
  interface Normal {
    inv(p: number, mean: number, std: number): number;
  }
  const jStat: { studentt: StudentT; normal: Normal };
  export default jStat;
}
