// The parameter form: one field per option (rules and defaults from the library), kept in step with the process string.

import {
  checkSheetSizeEarly,
  describeRule,
  formatProcess,
  OPTION_DEFAULTS,
  OPTION_RULES,
  parseProcess,
  resolveOptions,
  SpriteError,
  type Notify,
  type OptionKey,
  type SaveAs,
  type SpriteOptions,
} from '../index.js';

/** What an option holds, as the form shows it. */
type OptionValue = string | number | boolean;
/** The defaults, looked up by a field's key. */
const DEFAULTS: Partial<Record<string, OptionValue>> = OPTION_DEFAULTS;

interface FieldSpec {
  key: OptionKey;
  label: string;
  hint: string;
  /** Modes in which the option does something; absent = all. */
  modes?: readonly string[];
  /** Folded under "More settings": what most jobs leave as it is. */
  more?: true;
  /** Shown for one size unit only. */
  unit?: 'px' | '%';
}

const FIELDS: FieldSpec[] = [
  {
    key: 'm',
    label: 'Mode',
    hint: 'inter: every interval · key: key frames · avg: evenly spread · dhash: scene changes',
  },
  { key: 'inter', label: 'Interval (ms)', hint: '0 = every frame', modes: ['inter', 'dhash'] },
  { key: 'num', label: 'Number of frames', hint: '0 = no limit; avg: default one full sheet' },
  {
    key: 'thr',
    label: 'Change threshold (%)',
    hint: 'dhash: keep frames that changed more than this',
    modes: ['dhash'],
    more: true,
  },
  { key: 'ss', label: 'Start (ms)', hint: 'frames before this are skipped', more: true },
  {
    key: 'skip',
    label: 'Avoid frames',
    hint: 'black · blank (also plain cards) · all (also blurred): the nearest better frame of the interval instead',
    modes: ['inter', 'avg', 'dhash'],
    more: true,
  },
  { key: 'sw', label: 'Cell width (px)', hint: 'default: the video width', unit: 'px' },
  { key: 'sh', label: 'Cell height (px)', hint: 'default: the video height', unit: 'px' },
  { key: 'psw', label: 'Cell width (%)', hint: 'of the video width', unit: '%' },
  { key: 'psh', label: 'Cell height (%)', hint: 'of the video height', unit: '%' },
  {
    key: 'scaletype',
    label: 'Scale',
    hint: 'stretch · crop · fill (black bars) · fit (cell shrinks)',
    more: true,
  },
  { key: 'tw', label: 'Columns', hint: 'cells per row' },
  { key: 'th', label: 'Rows', hint: 'rows per sheet' },
  { key: 'pad', label: 'Padding (px)', hint: 'between cells', more: true },
  { key: 'margin', label: 'Margin (px)', hint: 'around the grid', more: true },
  { key: 'f', label: 'Format', hint: 'sheet image format' },
  { key: 'q', label: 'Quality', hint: 'jpg and webp only', more: true },
];

/** The form's state: which size unit is in use, and every field element by option key. */
export class ParamsForm {
  private readonly inputs = new Map<OptionKey, HTMLInputElement | HTMLSelectElement>();
  private readonly errors = new Map<OptionKey, HTMLElement>();
  private unit: 'px' | '%' = 'px';
  /** The fold of the settings most jobs leave as they are. */
  private readonly more = document.createElement('details');
  /** saveas/notify of the last pasted process string: editing a field must not drop the user's name template. */
  private extra: { saveas?: SaveAs; notify?: Notify } = {};

  constructor(
    private readonly container: HTMLElement,
    private readonly processBox: HTMLTextAreaElement,
    private readonly processError: HTMLElement,
  ) {
    this.build();
    // Defaults that suit the sample: ten 160 × 90 frames on one sheet.
    this.setOptions({ f: 'jpg', sw: 160, sh: 90, inter: 500, tw: 5, th: 2 });
    processBox.addEventListener('input', () => this.fromProcess());
  }

  private build(): void {
    const moreFields = document.createElement('div');
    moreFields.className = 'fields';
    const summary = document.createElement('summary');
    summary.textContent = 'More settings';
    this.more.className = 'more';
    this.more.append(summary, moreFields);
    const unitRow = document.createElement('fieldset');
    unitRow.className = 'unit';
    unitRow.innerHTML = '<legend>Cell size in</legend>';
    for (const unit of ['px', '%'] as const) {
      const label = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'unit';
      radio.value = unit;
      radio.id = `unit-${unit === '%' ? 'percent' : 'px'}`;
      radio.checked = unit === this.unit;
      radio.addEventListener('change', () => {
        this.unit = unit;
        this.refresh();
      });
      label.append(radio, unit === 'px' ? ' pixels' : ' percent of the video');
      unitRow.append(label);
    }
    for (const spec of FIELDS) {
      const rule = OPTION_RULES[spec.key];
      const wrap = document.createElement('div');
      wrap.className = 'field';
      wrap.dataset.key = spec.key;
      const id = `opt-${spec.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = spec.label;
      let input: HTMLInputElement | HTMLSelectElement;
      if (rule.kind === 'enum') {
        input = document.createElement('select');
        for (const value of rule.values) input.append(new Option(value, value));
      } else {
        input = document.createElement('input');
        input.type = 'number';
        input.inputMode = 'numeric';
        input.min = String(rule.min);
        if (rule.max !== undefined) input.max = String(rule.max);
        input.step = '1';
        const fallback = DEFAULTS[spec.key];
        input.placeholder = fallback === undefined ? 'auto' : String(fallback);
      }
      input.id = id;
      input.name = spec.key;
      const hint = document.createElement('span');
      hint.className = 'hint';
      hint.id = `${id}-hint`;
      hint.textContent = `${spec.hint} (${describeRule(rule)})`;
      const error = document.createElement('span');
      error.className = 'error';
      error.id = `${id}-error`;
      error.setAttribute('role', 'alert');
      input.setAttribute('aria-describedby', `${hint.id} ${error.id}`);
      input.addEventListener('input', () => this.fromFields());
      wrap.append(label, input, hint, error);
      if (spec.key === 'sw') this.container.append(unitRow);
      (spec.more ? moreFields : this.container).append(wrap);
      this.inputs.set(spec.key, input);
      this.errors.set(spec.key, error);
    }
    this.container.append(this.more);
  }

  /** Enables the fields the mode uses and shows the size fields of the chosen unit. */
  private refresh(): void {
    const mode = this.inputs.get('m')!.value;
    for (const spec of FIELDS) {
      const input = this.inputs.get(spec.key)!;
      const wrap = input.parentElement!;
      const inMode = !spec.modes || spec.modes.includes(mode);
      const format = this.inputs.get('f')!.value;
      const quality = spec.key !== 'q' || format !== 'png';
      input.disabled = !inMode || !quality;
      wrap.classList.toggle('off', input.disabled);
      wrap.hidden = spec.unit !== undefined && spec.unit !== this.unit;
    }
    (document.getElementById(this.unit === 'px' ? 'unit-px' : 'unit-percent') as HTMLInputElement).checked = true;
  }

  /**
   * The options the form says, leaving out empty, hidden and disabled fields (so their defaults apply), and `skip` at
   * its default: it is ours, and a string naming it would not pass the original cloud API.
   */
  options(): SpriteOptions {
    const out: Record<string, string | number> = {};
    for (const [key, input] of this.inputs) {
      if (input.disabled || input.parentElement!.hidden || input.value === '') continue;
      if (key === 'skip' && input.value === DEFAULTS.skip) continue;
      out[key] = OPTION_RULES[key].kind === 'int' ? Number(input.value) : input.value;
    }
    return out as unknown as SpriteOptions;
  }

  /** Fills the form from options (e.g. a pasted process string); picks the size unit they use. */
  setOptions(options: SpriteOptions): void {
    const given = options as unknown as Partial<Record<string, OptionValue>>;
    if (given.psw !== undefined || given.psh !== undefined) this.unit = '%';
    else if (given.sw !== undefined || given.sh !== undefined) this.unit = 'px';
    for (const [key, input] of this.inputs) {
      const value = given[key];
      input.value =
        value === undefined
          ? input instanceof HTMLSelectElement
            ? String(DEFAULTS[key] ?? input.options[0]!.value)
            : ''
          : String(value);
    }
    this.refresh();
    this.validate();
  }

  private fromFields(): void {
    this.refresh();
    const problem = this.validate();
    if (!problem) this.processError.textContent = '';
  }

  private fromProcess(): void {
    try {
      const text = this.processBox.value;
      const parsed = parseProcess(text);
      this.processError.textContent = '';
      this.extra = {
        ...(parsed.saveas ? { saveas: parsed.saveas } : {}),
        ...(parsed.notify ? { notify: parsed.notify } : {}),
      };
      this.setOptions(parsed.options);
      // Keep what the user typed (prefix, order, padding): it is valid, and rewriting it under the cursor is rude.
      this.processBox.value = text;
    } catch (e) {
      this.processError.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  /** Validates with the library; shows the message next to the field at fault. Returns the error, if any. */
  validate(): SpriteError | null {
    for (const error of this.errors.values()) error.textContent = '';
    for (const input of this.inputs.values()) input.removeAttribute('aria-invalid');
    try {
      checkSheetSizeEarly(resolveOptions(this.options()));
      this.processBox.value = formatProcess(this.options(), this.extra);
      return null;
    } catch (e) {
      if (!(e instanceof SpriteError)) throw e;
      this.showError(e);
      return e;
    }
  }

  /** Puts a library error next to the field it names (or the process string when no field matches). */
  showError(e: SpriteError): boolean {
    const key = e.param as OptionKey | undefined;
    const target = key && this.errors.get(key) && !this.inputs.get(key)!.parentElement!.hidden ? key : undefined;
    if (target) {
      // A message in the fold would go unseen.
      if (this.more.contains(this.errors.get(target)!)) this.more.open = true;
      this.errors.get(target)!.textContent = e.message;
      this.inputs.get(target)!.setAttribute('aria-invalid', 'true');
      return true;
    }
    if (e.code === 'INVALID_OPTION' || e.code === 'INVALID_PROCESS_STRING' || e.code === 'SHEET_TOO_LARGE') {
      this.processError.textContent = e.message;
      return true;
    }
    return false;
  }

  /** The text of the process string box (what a run uses, saveas included). */
  processString(): string {
    return this.processBox.value;
  }
}
