/**
 * A synthetic district for the benchmarks, the same for the same size (and, for the export, seed): the IC sandbox's data
 * set (schools, quarters, classes, students, grading-task line items with open window flags), the
 * roster mappings a roster run would have stored, the opted-in sections, and Schoology's auto-export
 * CSV for it, written to a file as a stream (a million rows never sit in memory as one string).
 *
 * Each student takes `sectionsPerStudent` sections of their school; each enrollment has one row per
 * quarter (to term task 101 of that quarter) and, with `overall`, a "Final" row (to overall task 201).
 * A little noise keeps the pipeline honest: some sections are not opted in, a few grades are empty.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import type { IcDatasetInput } from '../sandbox/ic/dataset.ts';
import type { RosterSnapshot } from '../src/store/roster-mappings.ts';
import { makePrng } from '../sandbox/ic/faults.ts';

const count = z.number().int().positive();
export const BenchDistrictSize = z.strictObject({
  students: count,
  /** IC classes (Schoology sections), spread evenly over the schools. */
  sections: count,
  schools: count,
  /** Sections each student takes, all in their own school. */
  sectionsPerStudent: count,
  /** Quarters graded so far: one term row per enrollment each. */
  terms: count,
  /** A "Final" row per enrollment, to the overall task. */
  overall: z.boolean(),
});
export type BenchDistrictSize = z.infer<typeof BenchDistrictSize>;

export const termTaskId = 101;
export const overallTaskId = 201;
export const exportTitle = 'Final Grades';
/** Every 50th section is not opted in: 2% of rows are `not-opted-in`. */
export const notOptedInEvery = 50;
/** One row in 400 has an empty grade (`no-grade`). */
export const emptyGradeEvery = 400;

const schoolYear = '2026-2027';
const stamp = '2026-08-10T14:00:00.000Z';
const exportHeader = [
  'Course Code',
  'Course Name',
  'Section Code',
  'Section School Code',
  'Section Name',
  'School Code',
  'Unique User ID',
  'First Name',
  'Last Name',
  'Grading Period',
  'Grade',
  'Letter Grade',
  'Comment',
];
const givenNames = ['José', 'Zoë', 'An', 'Maria', 'James', 'Aaliyah', 'Noah', 'Sofía', 'Liam', 'Chloé', 'Mateo', 'Priya', 'Ethan', 'Amara', 'Lucas'];
const familyNames = ['García', 'Smith', 'Nguyễn', 'Johnson', 'Okafor', 'Müller', 'Brown', 'Kowalski', 'Lee', "O'Brien", 'Haddad', 'Rossi'];
const courseTitles = ['Algebra I', 'Geometry', 'Biology', 'Chemistry', 'English 9', 'World History', 'Spanish I', 'Art', 'Physics', 'Economics'];
const letterScale = [
  { letter: 'A', from: 90 },
  { letter: 'B', from: 80 },
  { letter: 'C', from: 70 },
  { letter: 'D', from: 60 },
  { letter: 'F', from: 0 },
] as const;

/** Rows of the export for a size. */
export function exportRowCount(size: BenchDistrictSize): number {
  return size.students * size.sectionsPerStudent * (size.terms + (size.overall ? 1 : 0));
}

/** A realistic shape (7 sections a student, about 30 students a section, 3 quarters and a final) for about `rows` rows. */
export function sizeForRows(rows: number): BenchDistrictSize {
  const sectionsPerStudent = 7;
  const terms = 3;
  const students = Math.max(1, Math.round(rows / (sectionsPerStudent * (terms + 1))));
  const sections = Math.max(sectionsPerStudent, Math.round((students * sectionsPerStudent) / 30));
  const schools = Math.max(1, Math.min(Math.floor(sections / sectionsPerStudent), Math.ceil(sections / 400)));
  return { students, sections, schools, sectionsPerStudent, terms, overall: true };
}


const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const schoolId = (s: number): string => `sch-${pad(s, 3)}`;
const schoolCode = (s: number): string => `S${pad(s, 3)}`;
const classId = (c: number): string => `cls-${pad(c, 6)}`;
const studentId = (n: number): string => `stu-${pad(n, 7)}`;
/** The Schoology unique user ID (the roster's uid), which is not the IC sourcedId. */
const studentUid = (n: number): string => `8${pad(n, 7)}`;
const termId = (s: number, q: number): string => `${schoolId(s)}-2027-q${q}`;
const yearId = (s: number): string => `${schoolId(s)}-2027`;
const periodTitle = (q: number): string => `Q${q} ${schoolYear}`;
const studentName = (n: number): [string, string] => [
  givenNames[(n * 7 + 3) % givenNames.length] ?? 'Pat',
  familyNames[(n * 5 + 1) % familyNames.length] ?? 'Doe',
];
const quarterDates = [
  ['2026-08-19', '2026-10-16'],
  ['2026-10-19', '2026-12-18'],
  ['2027-01-05', '2027-03-12'],
  ['2027-03-15', '2027-05-28'],
] as const;

/** Where students and sections sit: derived from the size alone, shared by the data set and the export. */
class Layout {
  constructor(readonly size: BenchDistrictSize) {
    if (size.schools < 1 || size.sections < size.schools * size.sectionsPerStudent)
      throw new RangeError('each school needs at least sectionsPerStudent sections');
    if (size.terms < 1 || size.terms > quarterDates.length) throw new RangeError(`terms must be 1..${quarterDates.length}`);
  }

  schoolOfSection(c: number): number {
    return c % this.size.schools;
  }

  schoolOfStudent(n: number): number {
    return n % this.size.schools;
  }

  /** Sections of a school, in order. */
  sectionsOfSchool(s: number): number[] {
    const list: number[] = [];
    for (let c = s; c < this.size.sections; c += this.size.schools) list.push(c);
    return list;
  }

  /** The student's sections: consecutive seats over the school's sections, so class sizes stay even. */
  sectionsOfStudent(n: number, schoolSections: readonly number[]): number[] {
    const local = Math.floor(n / this.size.schools);
    const list: number[] = [];
    for (let j = 0; j < this.size.sectionsPerStudent; j++) {
      const section = schoolSections[(local * this.size.sectionsPerStudent + j) % schoolSections.length];
      if (section !== undefined) list.push(section);
    }
    return list;
  }

  courseOfSection(c: number): number {
    return Math.floor(c / this.size.schools) % courseTitles.length;
  }

  teacherOfSection(c: number): number {
    return Math.floor(c / 6);
  }
}

export interface BenchDistrict {
  size: BenchDistrictSize;
  /** Input for `startIcSandbox({ dataset: IcDataset.parse(district.dataset) })`. */
  dataset: IcDatasetInput;
  /** What a roster run would have stored: grade passback maps sections, students and periods through it. */
  roster: RosterSnapshot;
  optedInSections: string[];
  /** The gradePassback keys (besides sftp) that make this district's export go through. */
  gradePassback: {
    autoExportTitle: string;
    termTaskIds: number[];
    overallTaskIds: number[];
    letterGrades: boolean;
    teachersMustOptIn: boolean;
    minFileAgeSeconds: number;
  };
  exportRows: number;
}

/** The data set, roster and opt-ins: a pure function of the size (the export's grades come from a seed). */
export function generateDistrict(size: BenchDistrictSize): BenchDistrict {
  const layout = new Layout(size);
  const lineItems: NonNullable<IcDatasetInput['lineItems']> = [];
  const dataset: IcDatasetInput = {
    timezone: 'America/Chicago',
    orgs: [{ sourcedId: 'dist-bench', dateLastModified: stamp, name: 'Benchmark Unified School District', type: 'district', identifier: 'BUSD' }],
    academicSessions: [],
    courses: [],
    classes: [],
    users: [],
    enrollments: [],
    scoreScales: [
      {
        sourcedId: 'ss-af',
        dateLastModified: stamp,
        title: 'A-F',
        type: 'letter',
        scoreScaleValue: letterScale.map((step) => ({ itemValueLHS: step.letter, itemValueRHS: String(step.from) })),
      },
    ],
    lineItems,
    gradingWindows: [],
  };
  const roster: RosterSnapshot = { schools: [], terms: [], classes: [], users: [], enrollments: [] };

  for (let s = 0; s < size.schools; s++) {
    const school = schoolId(s);
    dataset.orgs.push({ sourcedId: school, dateLastModified: stamp, name: `Bench School ${s}`, type: 'school', identifier: schoolCode(s), parent: 'dist-bench' });
    roster.schools.push({ sourced_id: school, identifier: schoolCode(s), name: `Bench School ${s}`, building_id: null });
    dataset.academicSessions.push({ sourcedId: yearId(s), dateLastModified: stamp, title: schoolYear, type: 'schoolYear', startDate: '2026-08-19', endDate: '2027-05-28', schoolYear: '2027', org: school });
    for (let q = 1; q <= size.terms; q++) {
      const [startDate, endDate] = quarterDates[q - 1] ?? quarterDates[0];
      dataset.academicSessions.push({ sourcedId: termId(s, q), dateLastModified: stamp, title: periodTitle(q), type: 'gradingPeriod', startDate, endDate, parent: yearId(s), schoolYear: '2027', org: school });
      roster.terms.push({
        sourced_id: termId(s, q),
        title: periodTitle(q),
        type: 'gradingPeriod',
        school_year: '2027',
        start_date: startDate,
        end_date: endDate,
        school_sourced_id: school,
        grading_period_id: null,
        grading_period_title: periodTitle(q),
      });
    }
    for (let k = 0; k < courseTitles.length; k++) {
      dataset.courses.push({ sourcedId: `crs-${school}-${k}`, dateLastModified: stamp, title: courseTitles[k] ?? 'Course', courseCode: `C${pad(k, 2)}`, org: school, schoolYear: yearId(s) });
    }
  }

  const teachers = layout.teacherOfSection(size.sections - 1) + 1;
  for (let t = 0; t < teachers; t++) {
    const school = schoolId(layout.schoolOfSection(t * 6));
    dataset.users.push({
      sourcedId: `tch-${pad(t, 5)}`,
      dateLastModified: stamp,
      username: `teacher${t}`,
      givenName: givenNames[t % givenNames.length] ?? 'Pat',
      familyName: familyNames[t % familyNames.length] ?? 'Doe',
      identifier: `T${pad(t, 5)}`,
      email: `teacher${t}@bench.k12.us`,
      enabledUser: true,
      roles: [{ roleType: 'primary', role: 'teacher', org: school }],
    });
  }

  for (let c = 0; c < size.sections; c++) {
    const s = layout.schoolOfSection(c);
    const course = layout.courseOfSection(c);
    const terms = [yearId(s), ...Array.from({ length: size.terms }, (_, i) => termId(s, i + 1))];
    dataset.classes.push({
      sourcedId: classId(c),
      dateLastModified: stamp,
      title: `${courseTitles[course] ?? 'Course'} - ${c}`,
      classCode: `C${pad(course, 2)}-${c}`,
      classType: 'scheduled',
      course: `crs-${schoolId(s)}-${course}`,
      school: schoolId(s),
      terms,
      periods: [String((c % 7) + 1)],
    });
    roster.classes.push({
      sourced_id: classId(c),
      title: `${courseTitles[course] ?? 'Course'} - ${c}`,
      class_code: `C${pad(course, 2)}-${c}`,
      course_sourced_id: `crs-${schoolId(s)}-${course}`,
      course_title: courseTitles[course] ?? 'Course',
      school_sourced_id: schoolId(s),
      term_sourced_ids: terms.join(','),
      section_id: null,
    });
    const teacher = `tch-${pad(layout.teacherOfSection(c), 5)}`;
    dataset.enrollments.push({ sourcedId: `enr-${classId(c)}-${teacher}`, dateLastModified: stamp, user: teacher, class: classId(c), role: 'teacher', primary: true });
    roster.enrollments.push({ class_sourced_id: classId(c), user_sourced_id: teacher, role: 'teacher' });
    for (let q = 1; q <= size.terms; q++) {
      lineItems.push({
        sourcedId: `li-${classId(c)}-${termTaskId}-q${q}`,
        dateLastModified: stamp,
        title: 'Quarter Grade',
        class: classId(c),
        gradingPeriod: termId(s, q),
        taskId: String(termTaskId),
        windowOpen: true,
        scoreScale: 'ss-af',
        assignDate: quarterDates[q - 1]?.[0] ?? '2026-08-19',
        dueDate: quarterDates[q - 1]?.[1] ?? '2026-10-16',
      });
    }
    if (size.overall) {
      lineItems.push({
        sourcedId: `li-${classId(c)}-${overallTaskId}`,
        dateLastModified: stamp,
        title: 'Final Grade',
        class: classId(c),
        gradingPeriod: yearId(s),
        taskId: String(overallTaskId),
        windowOpen: true,
        scoreScale: 'ss-af',
        assignDate: '2026-08-19',
        dueDate: '2027-05-28',
      });
    }
  }

  const schoolSections = Array.from({ length: size.schools }, (_, s) => layout.sectionsOfSchool(s));
  for (let n = 0; n < size.students; n++) {
    const s = layout.schoolOfStudent(n);
    const [given, family] = studentName(n);
    dataset.users.push({
      sourcedId: studentId(n),
      dateLastModified: stamp,
      username: `student${n}`,
      givenName: given,
      familyName: family,
      identifier: studentUid(n),
      enabledUser: true,
      roles: [{ roleType: 'primary', role: 'student', org: schoolId(s) }],
      grades: ['10'],
    });
    roster.users.push({
      sourced_id: studentId(n),
      uid: studentUid(n),
      identifier: studentUid(n),
      role: 'student',
      given_name: given,
      family_name: family,
      email: null,
      username: `student${n}`,
    });
    for (const c of layout.sectionsOfStudent(n, schoolSections[s] ?? [])) {
      dataset.enrollments.push({ sourcedId: `enr-${classId(c)}-${studentId(n)}`, dateLastModified: stamp, user: studentId(n), class: classId(c), role: 'student' });
      roster.enrollments.push({ class_sourced_id: classId(c), user_sourced_id: studentId(n), role: 'student' });
    }
  }
  for (let t = 0; t < teachers; t++) {
    const user = dataset.users[t];
    if (user) roster.users.push({ sourced_id: user.sourcedId, uid: user.identifier, identifier: user.identifier, role: 'teacher', given_name: user.givenName, family_name: user.familyName, email: user.email ?? null, username: user.username });
  }

  const optedInSections: string[] = [];
  for (let c = 0; c < size.sections; c++) if (c % notOptedInEvery !== notOptedInEvery - 1) optedInSections.push(classId(c));

  return {
    size,
    dataset,
    roster,
    optedInSections,
    gradePassback: {
      autoExportTitle: exportTitle,
      termTaskIds: [termTaskId],
      overallTaskIds: size.overall ? [overallTaskId] : [],
      letterGrades: true,
      teachersMustOptIn: true,
      minFileAgeSeconds: 0,
    },
    exportRows: exportRowCount(size),
  };
}

export interface ExportGrade {
  score: string;
  letter: string;
}

export interface WriteExportOptions {
  /** Grades are drawn from this seed; the same seed gives the same file. */
  seed: number;
  /** Re-draw this share of the grades (a later day's export): each changed grade differs from before. */
  changed?: { fraction: number; seed: number };
}

export interface WrittenExport {
  rows: number;
  bytes: number;
  /** Rows whose grade differs from the export with the same seed and no `changed`. */
  changedRows: number;
}

/** Writes the district's auto-export CSV to a file. */
export async function writeExportCsv(size: BenchDistrictSize, file: string, options: WriteExportOptions): Promise<WrittenExport> {
  const out = createWriteStream(file);
  const written = await writeExport(size, out, options);
  out.end();
  await finished(out);
  return written;
}

/** Writes the auto-export CSV (with a BOM, as Schoology writes it) in 64 KiB pieces, waiting whenever `out` is full. */
export async function writeExport(size: BenchDistrictSize, out: Writable, options: WriteExportOptions): Promise<WrittenExport> {
  const layout = new Layout(size);
  const gradeRandom = makePrng(options.seed);
  const changeRandom = makePrng(options.changed?.seed ?? 0);
  let buffer = `\uFEFF${exportHeader.join(',')}\n`;
  let bytes = 0;
  let rows = 0;
  let changedRows = 0;
  const flush = async (): Promise<void> => {
    bytes += Buffer.byteLength(buffer);
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };

  const schoolSections = Array.from({ length: size.schools }, (_, s) => layout.sectionsOfSchool(s));
  const studentsOfSection = new Map<number, number[]>();
  for (let n = 0; n < size.students; n++) {
    for (const c of layout.sectionsOfStudent(n, schoolSections[layout.schoolOfStudent(n)] ?? [])) {
      const list = studentsOfSection.get(c);
      if (list) list.push(n);
      else studentsOfSection.set(c, [n]);
    }
  }
  const names = Array.from({ length: size.students }, (_, n) => studentName(n).map(csvField).join(','));
  const periods = [...Array.from({ length: size.terms }, (_, i) => periodTitle(i + 1)), ...(size.overall ? ['Final'] : [])];

  for (let c = 0; c < size.sections; c++) {
    const s = layout.schoolOfSection(c);
    const course = layout.courseOfSection(c);
    const title = courseTitles[course] ?? 'Course';
    const sectionPrefix = `${csvField(`crs-${schoolId(s)}-${course}`)},${csvField(title)},C${pad(course, 2)}-${c},${classId(c)},${csvField(`${title} - ${c}`)},${schoolCode(s)}`;
    for (const n of studentsOfSection.get(c) ?? []) {
      for (const period of periods) {
        rows++;
        let grade = drawGrade(gradeRandom, rows);
        if (options.changed && changeRandom() < options.changed.fraction && grade.score !== '') {
          grade = changeGrade(grade);
          changedRows++;
        }
        const comment = gradeRandom() < 0.02 ? '"Good work, keep it up."' : '';
        buffer += `${sectionPrefix},${studentUid(n)},${names[n] ?? ','},${period},${grade.score},${grade.letter},${comment}\n`;
        if (buffer.length >= 64 * 1024) await flush();
      }
    }
  }
  await flush();
  return { rows, bytes, changedRows };
}

/** Every row draws the same number of values, so changing one grade shifts no other. */
function drawGrade(random: () => number, row: number): ExportGrade {
  const raw = 55 + random() * 45;
  const decimals = random();
  if (row % emptyGradeEvery === 0) return { score: '', letter: '' };
  const score = decimals < 0.6 ? raw.toFixed(0) : decimals < 0.85 ? raw.toFixed(1) : raw.toFixed(2);
  return { score, letter: letterFor(Number(score)) };
}

/** A different grade: seven points lower (or higher near the bottom), with its letter. */
function changeGrade(grade: ExportGrade): ExportGrade {
  const before = Number(grade.score);
  const after = before >= 62 ? before - 7 : before + 7;
  const score = after.toFixed(grade.score.includes('.') ? (grade.score.split('.')[1]?.length ?? 0) : 0);
  return { score, letter: letterFor(Number(score)) };
}

function letterFor(score: number): string {
  return letterScale.find((step) => score >= step.from)?.letter ?? 'F';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
