// jStat ships no types; only the Student t distribution is used (src/stats/student-t.ts).
declare module "jstat" {
  interface StudentT {
    cdf(x: number, dof: number): number;
    pdf(x: number, dof: number): number;
    inv(p: number, dof: number): number;
  }
  const jStat: { studentt: StudentT };
  export default jStat;
}
