import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Divider,
  Form,
  Input,
  Result,
  Row,
  Select,
  Space,
  TreeSelect,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, type FieldError } from '../api/client.js';
import type { ArtefactKind, IntakeBody, IntakeResult, PaymentChannel } from '../api/types.js';
import { useApiData, useShowError } from '../api/use-api.js';
import { useI18n } from '../i18n/i18n-context.js';
import type { MessageKey } from '../i18n/zh-cn.js';
import { buildUnitTree, type UnitTreeNode, useUnitScope } from '../layout/unit-scope.js';
import { caseApi } from './case-api.js';
import { beijingIso, fieldPath } from './case-format.js';
import { intakeErrorText } from './intake-errors.js';
import { IntakeNotices } from './intake-notices.js';
import { formatYuan, parseYuanToFen } from './money.js';

const CHANNELS: readonly PaymentChannel[] = [
  'bank-transfer',
  'mobile-banking',
  'alipay',
  'wechat',
  'atm',
  'counter',
  'other',
];
const ARTEFACT_KINDS: readonly ArtefactKind[] = ['phone', 'url', 'app', 'sms', 'qr'];
const POLICE_KINDS = new Set(['city', 'district', 'station', 'community']);
const TIME_FORMAT = 'YYYY-MM-DD HH:mm';

interface PaymentRow {
  time?: Dayjs;
  amount?: string;
  channel?: PaymentChannel;
  institution?: string;
  account?: string;
  accountName?: string;
}

interface IntakeValues {
  scamType?: string;
  narrative?: string;
  victim: { name?: string; idNumber?: string; phone?: string; address?: string; unitId?: number };
  payments: PaymentRow[];
  artefacts: { kind?: ArtefactKind; value?: string }[];
}

/** Labels of the fields the server may name, for its messages (it speaks English; we say which field). */
const FIELD_LABELS: Record<string, MessageKey> = {
  scamType: 'intake.scamType',
  narrative: 'intake.narrative',
  reportedAt: 'intake.reportedAt',
  name: 'intake.victimName',
  idNumber: 'intake.idNumber',
  phone: 'intake.phone',
  address: 'intake.address',
  unitId: 'intake.victimUnit',
  time: 'intake.payTime',
  amount: 'intake.amount',
  channel: 'intake.channel',
  institution: 'intake.institution',
  account: 'intake.account',
  accountName: 'intake.accountName',
  kind: 'intake.artefactKind',
  value: 'intake.artefactValue',
};

/** Only these leaves exist in the form; anything else the server names goes to the summary box. */
function isFormField(path: readonly (string | number)[]): boolean {
  const [head, a, b] = path;
  if (head === 'scamType' || head === 'narrative') return path.length === 1;
  if (head === 'victim') return typeof a === 'string' && a in FIELD_LABELS && path.length === 2;
  if (head === 'payments' || head === 'artefacts')
    return typeof a === 'number' && typeof b === 'string' && b in FIELD_LABELS && path.length === 3;
  return false;
}

function toBody(values: IntakeValues): IntakeBody {
  const v = values.victim;
  return {
    scamType: values.scamType ?? '',
    narrative: (values.narrative ?? '').trim(),
    victim: {
      name: (v.name ?? '').trim(),
      idNumber: (v.idNumber ?? '').trim().toUpperCase(),
      phone: (v.phone ?? '').trim(),
      address: (v.address ?? '').trim(),
      unitId: v.unitId ?? 0,
    },
    payments: values.payments.map((p) => ({
      time: p.time === undefined ? '' : beijingIso(p.time.format('YYYY-MM-DDTHH:mm:00')),
      amount: parseYuanToFen(p.amount ?? '') ?? 0,
      channel: p.channel ?? 'other',
      institution: p.institution ?? '',
      account: (p.account ?? '').replace(/\s/g, ''),
      accountName: (p.accountName ?? '').trim(),
    })),
    artefacts: (values.artefacts ?? [])
      .filter((a) => a.kind !== undefined && (a.value ?? '').trim() !== '')
      .map((a) => ({ kind: a.kind as ArtefactKind, value: (a.value ?? '').trim() })),
  };
}

function policeTree(nodes: UnitTreeNode[]): UnitTreeNode[] {
  return nodes
    .filter((n) => POLICE_KINDS.has(n.unit.kind))
    .map((n) => ({ ...n, children: policeTree(n.children) }));
}

function Saved({ result, onAnother }: { result: IntakeResult; onAnother(): void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const c = result.case;
  return (
    <Card>
      <Result
        status={result.duplicate ? 'info' : 'success'}
        title={
          <h1 style={{ fontSize: 24, margin: 0 }}>
            {result.duplicate
              ? t('intake.mergedTitle', { caseNo: c.caseNo })
              : t('intake.savedTitle', { caseNo: c.caseNo })}
          </h1>
        }
        subTitle={
          result.duplicate
            ? t('intake.mergedDetail', { known: result.knownPayments, fresh: result.newPayments })
            : t('intake.savedDetail', { count: result.newPayments, loss: formatYuan(c.lossTotal) })
        }
        extra={[
          <Button key="open" type="primary" onClick={() => navigate(`/cases/${c.id}`)}>
            {t('intake.openCase')}
          </Button>,
          <Button key="again" onClick={onAnother}>
            {t('intake.another')}
          </Button>,
        ]}
      >
        <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 760, margin: '0 auto' }}>
          <IntakeNotices
            warnings={result.warnings}
            links={result.linkedCases.map((id) => ({ caseId: id, label: `#${id}` }))}
          />
        </Space>
      </Result>
    </Card>
  );
}

/** One form for a victim's report. Errors from the server land on the fields they name. */
export function IntakeScreen() {
  const { t, locale } = useI18n();
  const showError = useShowError();
  const { units } = useUnitScope();
  const [form] = Form.useForm<IntakeValues>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<IntakeResult | null>(null);
  const [otherErrors, setOtherErrors] = useState<FieldError[]>([]);
  const types = useApiData((signal) => caseApi.scamTypes(signal), []);
  const institutions = useApiData((signal) => caseApi.institutions(signal), []);
  const unitTree = useMemo(() => policeTree(buildUnitTree(units, locale)), [units, locale]);

  const fieldLabel = (path: readonly (string | number)[]): string => {
    const leaf = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
    const key = FIELD_LABELS[leaf];
    const index = path.find((p): p is number => typeof p === 'number');
    const name = key === undefined ? leaf : t(key);
    return index === undefined ? name : `${name}${t('punct.paren', { text: `#${index + 1}` })}`;
  };

  const submit = async (values: IntakeValues) => {
    setOtherErrors([]);
    setBusy(true);
    try {
      const result = await caseApi.create(toBody(values));
      setSaved(result);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const issues = error.errors?.length
          ? error.errors
          : error.field !== undefined
            ? [{ field: error.field, message: error.detail }]
            : [];
        const onForm: { name: (string | number)[]; errors: string[] }[] = [];
        const elsewhere: FieldError[] = [];
        for (const issue of issues) {
          const path = fieldPath(issue.field);
          if (isFormField(path))
            onForm.push({
              name: path,
              errors: [t('intake.fieldRejected', { field: fieldLabel(path) }), intakeErrorText(t, issue)],
            });
          else elsewhere.push(issue);
        }
        form.setFields(onForm as Parameters<typeof form.setFields>[0]);
        setOtherErrors(elsewhere);
        const first = onForm[0];
        if (first !== undefined) form.scrollToField(first.name as never, { block: 'center' });
        if (issues.length === 0) showError(error);
      } else {
        showError(error);
      }
    } finally {
      setBusy(false);
    }
  };

  if (saved !== null)
    return (
      <Saved
        result={saved}
        onAnother={() => {
          form.resetFields();
          setSaved(null);
        }}
      />
    );

  const required = (key: MessageKey) => [
    { required: true, whitespace: true, message: t('intake.required', { field: t(key) }) },
  ];

  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('intake.heading')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('intake.intro')}</Typography.Paragraph>
      <Form<IntakeValues>
        form={form}
        layout="vertical"
        requiredMark
        onFinish={submit}
        onFinishFailed={({ errorFields }) => {
          const first = errorFields[0];
          if (first !== undefined) form.scrollToField(first.name, { block: 'center' });
        }}
        initialValues={{ victim: {}, payments: [{ channel: 'mobile-banking' }], artefacts: [] }}
        scrollToFirstError={false}
      >
        {otherErrors.length > 0 && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('intake.otherErrors')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {otherErrors.map((e) => (
                  <li key={e.field}>
                    <code>{e.field}</code> — {intakeErrorText(t, e)}
                  </li>
                ))}
              </ul>
            }
          />
        )}

        <Divider titlePlacement="start">{t('intake.sectionVictim')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item
              label={t('intake.victimName')}
              name={['victim', 'name']}
              rules={required('intake.victimName')}
            >
              <Input maxLength={64} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={9}>
            <Form.Item
              label={t('intake.idNumber')}
              name={['victim', 'idNumber']}
              rules={required('intake.idNumber')}
            >
              <Input maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={9}>
            <Form.Item label={t('intake.phone')} name={['victim', 'phone']} rules={required('intake.phone')}>
              <Input maxLength={32} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={15}>
            <Form.Item label={t('intake.address')} name={['victim', 'address']}>
              <Input maxLength={200} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={9}>
            <Form.Item
              label={t('intake.victimUnit')}
              name={['victim', 'unitId']}
              rules={[{ required: true, message: t('intake.required', { field: t('intake.victimUnit') }) }]}
              tooltip={t('intake.victimUnitHint')}
            >
              <TreeSelect
                treeData={unitTree}
                showSearch={{ treeNodeFilterProp: 'title' }}
                treeDefaultExpandAll
                placeholder={t('intake.victimUnitPlaceholder')}
              />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('intake.sectionScam')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              label={t('intake.scamType')}
              name="scamType"
              rules={[{ required: true, message: t('intake.required', { field: t('intake.scamType') }) }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={(types.data?.items ?? []).map((s) => ({
                  value: s.code,
                  label: locale === 'zh-CN' ? s.name : s.nameEn,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item label={t('intake.narrative')} name="narrative">
              <Input.TextArea
                rows={3}
                maxLength={10_000}
                showCount
                placeholder={t('intake.narrativePlaceholder')}
              />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('intake.sectionPayments')}</Divider>
        <Form.List name="payments">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  type="inner"
                  title={t('intake.paymentNo', { n: index + 1 })}
                  role="group"
                  aria-label={t('intake.paymentNo', { n: index + 1 })}
                  extra={
                    fields.length > 1 && (
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={t('intake.removePayment', { n: index + 1 })}
                      />
                    )
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={6}>
                      <Form.Item
                        label={t('intake.payTime')}
                        name={[field.name, 'time']}
                        rules={[
                          { required: true, message: t('intake.required', { field: t('intake.payTime') }) },
                        ]}
                      >
                        <DatePicker
                          showTime={{ format: 'HH:mm' }}
                          format={TIME_FORMAT}
                          style={{ width: '100%' }}
                          placeholder={TIME_FORMAT}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={4}>
                      <Form.Item
                        label={t('intake.amount')}
                        required
                        name={[field.name, 'amount']}
                        rules={[
                          {
                            validator: async (_, value: string | undefined) => {
                              if (value === undefined || value.trim() === '')
                                throw new Error(t('intake.required', { field: t('intake.amount') }));
                              if (parseYuanToFen(value) === undefined)
                                throw new Error(t('intake.amountInvalid'));
                            },
                          },
                        ]}
                      >
                        <Input suffix={t('intake.yuan')} inputMode="decimal" autoComplete="off" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={4}>
                      <Form.Item
                        label={t('intake.channel')}
                        name={[field.name, 'channel']}
                        rules={[{ required: true }]}
                      >
                        <Select options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={5}>
                      <Form.Item
                        label={t('intake.institution')}
                        name={[field.name, 'institution']}
                        rules={[
                          {
                            required: true,
                            message: t('intake.required', { field: t('intake.institution') }),
                          },
                        ]}
                      >
                        <Select
                          showSearch={{ optionFilterProp: 'label' }}
                          loading={institutions.loading}
                          options={(institutions.data?.items ?? []).map((i) => ({
                            value: i.code,
                            label: `${locale === 'zh-CN' ? i.name : i.nameEn} · ${i.code}`,
                          }))}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={5}>
                      <Form.Item
                        label={t('intake.account')}
                        name={[field.name, 'account']}
                        rules={required('intake.account')}
                      >
                        <Input maxLength={40} autoComplete="off" style={{ fontFamily: 'monospace' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item label={t('intake.accountName')} name={[field.name, 'accountName']}>
                        <Input maxLength={100} autoComplete="off" />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ channel: 'mobile-banking' })}
                block
                type="dashed"
              >
                {t('intake.addPayment')}
              </Button>
            </Space>
          )}
        </Form.List>

        <Divider titlePlacement="start">{t('intake.sectionArtefacts')}</Divider>
        <Form.List name="artefacts">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" size={8} style={{ width: '100%' }}>
              {fields.map((field, index) => (
                <Row key={field.key} gutter={12} align="top">
                  <Col xs={24} md={5}>
                    <Form.Item
                      name={[field.name, 'kind']}
                      aria-label={t('intake.artefactKind')}
                      rules={[
                        {
                          required: true,
                          message: t('intake.required', { field: t('intake.artefactKind') }),
                        },
                      ]}
                    >
                      <Select
                        aria-label={t('intake.artefactKind')}
                        placeholder={t('intake.artefactKind')}
                        options={ARTEFACT_KINDS.map((k) => ({ value: k, label: t(`artefact.${k}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={20} md={17}>
                    <Form.Item name={[field.name, 'value']} rules={required('intake.artefactValue')}>
                      <Input
                        aria-label={t('intake.artefactValueNo', { n: index + 1 })}
                        placeholder={t('intake.artefactValue')}
                        maxLength={2000}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={2}>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(field.name)}
                      aria-label={t('intake.removeArtefact', { n: index + 1 })}
                    />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'phone' })} block type="dashed">
                {t('intake.addArtefact')}
              </Button>
            </Space>
          )}
        </Form.List>

        <Divider />
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} size="large">
            {t('intake.submit')}
          </Button>
          <Link to="/cases">{t('intake.cancel')}</Link>
        </Space>
      </Form>
    </Card>
  );
}
