package clv

import "testing"

func BenchmarkAnalyze100k(b *testing.B) {
	cs := synthetic(100000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(cs, nil, 0, Options{HorizonMonths: 12, AnnualDiscount: 0.1, Margin: 0.3})
	}
}

func BenchmarkFitBGNBD100k(b *testing.B) {
	cs := synthetic(100000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		FitBGNBD(cs, FitOptions{})
	}
}

func BenchmarkFitGammaGamma100k(b *testing.B) {
	cs := synthetic(100000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		FitGammaGamma(cs, FitOptions{})
	}
}
