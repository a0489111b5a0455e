/** A victim's report as the intake API takes it: one payment of ¥50,000 to a mule at ICBC, the day before `now`. */
export function sampleReport(unitId: number, paidAt: string) {
  return {
    scamType: 'investment',
    narrative: '网友推荐投资平台，充值后无法提现。',
    victim: {
      name: '周先生',
      idNumber: '11010519491231002X',
      phone: '13871234567',
      address: '大智路2号',
      unitId,
    },
    payments: [
      {
        time: paidAt,
        amount: 50_000_00,
        channel: 'mobile-banking',
        institution: 'ICBC',
        account: '6222021234567890128',
        accountName: '王某',
      },
    ],
  };
}
