/**
 * The auto-export's columns and their accepted header names (schoology.md). No public sample of
 * the file exists, so the list is generous and `gradePassback.columns` can add to it. The school,
 * course and section codes and the names are matched only so that their headers are known (and can
 * be named in the config); the reader does not carry them (see ExportRow).
 */
import type { ColumnSpec } from './match-headers.ts';

export const exportFields = [
  'sectionSchoolCode',
  'studentId',
  'gradingPeriod',
  'grade',
  'letterGrade',
  'schoolCode',
  'courseCode',
  'sectionCode',
  'comment',
  'firstName',
  'lastName',
  'courseName',
  'sectionName',
] as const;
export type ExportField = (typeof exportFields)[number];

export const exportColumns: readonly ColumnSpec<ExportField>[] = [
  { field: 'sectionSchoolCode', required: true, aliases: ['Section School Code', 'Section SIS ID'] },
  { field: 'studentId', required: true, aliases: ['Unique User ID', 'Unique ID', 'School UID', 'Student ID'] },
  { field: 'gradingPeriod', required: true, aliases: ['Grading Period', 'Grading Period Title', 'Grading Period ID', 'Period'] },
  { field: 'grade', required: true, aliases: ['Grade', 'Final Grade', 'Percentage', 'Score'] },
  { field: 'letterGrade', required: false, aliases: ['Letter Grade', 'Scale', 'Grade Scale', 'Scaled Grade'] },
  { field: 'schoolCode', required: false, aliases: ['School Code', 'Building Code', 'School ID'] },
  { field: 'courseCode', required: false, aliases: ['Course Code'] },
  { field: 'sectionCode', required: false, aliases: ['Section Code'] },
  { field: 'comment', required: false, aliases: ['Comment', 'Final Comment'] },
  { field: 'firstName', required: false, aliases: ['First Name'] },
  { field: 'lastName', required: false, aliases: ['Last Name'] },
  { field: 'courseName', required: false, aliases: ['Course Name'] },
  { field: 'sectionName', required: false, aliases: ['Section Name'] },
];
